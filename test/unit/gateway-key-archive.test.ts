import { readFileSync, statSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  activateNextKey,
  addNextKey,
  archivedKeys,
  gatewayArchivePath,
  gatewayJwksPath,
  loadOrCreateGatewayKey,
  retireOtherKeys,
} from "../../scripts/gateway-key/keys.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// The archive of every gateway key: what verifies audit checkpoints signed before a rotation.

const temporary = temporaryFolders();
const kids = (keys: Array<{ kid?: string }>) => keys.map((jwk) => jwk.kid);

describe("the gateway key archive", () => {
  it("keeps the public half of every key created, through rotations, after the JWKS has retired them", async () => {
    const keysDir = temporary("tearline-gwkey-");
    const first = await loadOrCreateGatewayKey(keysDir);
    expect(kids(await archivedKeys(keysDir))).toEqual([first.kid]);
    expect(statSync(gatewayArchivePath(keysDir)).mode & 0o777).toBe(0o644);

    const second = await addNextKey(keysDir);
    await activateNextKey(keysDir);
    await retireOtherKeys(keysDir);
    const third = await addNextKey(keysDir);
    await activateNextKey(keysDir);
    await retireOtherKeys(keysDir);

    expect(kids(JSON.parse(readFileSync(gatewayJwksPath(keysDir), "utf8")).keys)).toEqual([third.kid]);
    expect(kids(await archivedKeys(keysDir))).toEqual([first.kid, second.kid, third.kid]);
    expect(readFileSync(gatewayArchivePath(keysDir), "utf8")).not.toMatch(/"d"/);
  });

  it("refuses to go on over an archive it cannot read, rather than replace it and lose the retired keys", async () => {
    const keysDir = temporary("tearline-gwkey-");
    await loadOrCreateGatewayKey(keysDir);
    writeFileSync(gatewayArchivePath(keysDir), "{ not json");
    await expect(addNextKey(keysDir)).rejects.toThrow(/archive.jwks.json is not JSON: mend it by hand/);
    expect(readFileSync(gatewayArchivePath(keysDir), "utf8")).toBe("{ not json");
  });
});
