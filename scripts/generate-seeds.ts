// `npm run seed`: writes subgraphs/<NATION>/seed.sql, deterministic synthetic data.
import { writeFileSync } from "node:fs";
import { NATIONS, nationFile } from "../subgraphs/nations.js";
import { seedSql } from "./seed/nations.js";

for (const nation of NATIONS) {
  writeFileSync(nationFile(nation, "seed.sql"), seedSql(nation));
  console.log(`wrote subgraphs/${nation}/seed.sql`);
}
