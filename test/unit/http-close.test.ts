import { Agent, createServer, request, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { close, createJsonHttpServer, jsonReply, listen } from "../../lib/http-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answered {
  status: number;
  connection: string | undefined;
}

/** One POST on `agent`'s kept-alive connection; resolves with the answer, or with the error if the connection is cut. */
function post(port: number, agent: Agent): Promise<Answered | Error> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      res.on("error", resolve);
    });
    req.on("error", resolve);
    req.end("{}");
  });
}

const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
  for (const agent of agents.splice(0)) agent.destroy();
});

async function serving(server: Server) {
  servers.push(server);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return { port: await listen(server, "127.0.0.1", 0), agent };
}

const slowJsonServer = (delayMs: number) =>
  createJsonHttpServer({
    handle: async () => {
      await sleep(delayMs);
      return jsonReply(200, { ok: true });
    },
  });

describe("closing a server with requests in flight", () => {
  it("lets the answer in flight finish, tells its kept-alive client to close, and is closed right after it", async () => {
    const { port, agent } = await serving(slowJsonServer(300));
    expect(await post(port, agent)).toEqual({ status: 200, connection: "keep-alive" });
    const inFlight = post(port, agent);
    await sleep(50);
    const started = Date.now();
    await close(servers[0]!, 5000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await inFlight).toEqual({ status: 200, connection: "close" });
  });

  it("cuts what is still in flight at the deadline", async () => {
    const { port, agent } = await serving(slowJsonServer(5000));
    const inFlight = post(port, agent);
    await sleep(50);
    const started = Date.now();
    await close(servers[0]!, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await inFlight).toBeInstanceOf(Error);
  });

  it("does not wait for the keep-alive timeout of a server it did not make either", async () => {
    const plain = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end("ok"), 200);
    });
    const { port, agent } = await serving(plain);
    const inFlight = post(port, agent);
    await sleep(50);
    const started = Date.now();
    await close(plain, 5000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await inFlight).toMatchObject({ status: 200 });
  });
});
