import { runNation } from "../shared/server.js";
import { resolvers } from "./resolvers.js";

await runNation("EST", resolvers);
