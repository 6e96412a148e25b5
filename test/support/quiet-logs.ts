// In-process code under test logs through pino; its lines would bury the test report.
// Child processes started by end-to-end tests keep their own level, and those tests read their logs.
import { setLogLevel } from "../../lib/logger.js";

setLogLevel("silent");
