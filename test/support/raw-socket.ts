import { connect, type Socket } from "node:net";

/** A TCP connection to the host and port of `url`, once connected; it never throws on a reset (an attack's socket may be cut). */
export async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Everything the peer sends until it closes the connection, and when that was (ms after the call), or `undefined` for each past `ms`. */
export function untilClosed(socket: Socket, ms: number): Promise<{ text: string; closedAfterMs: number | undefined }> {
  const started = Date.now();
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    const done = (closedAfterMs: number | undefined) => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString("utf8"), closedAfterMs });
    };
    const timer = setTimeout(() => done(undefined), ms);
    if (socket.destroyed || socket.readableEnded) done(0);
    else socket.once("close", () => done(Date.now() - started));
  });
}

/** The head of an HTTP/1.1 POST to the path of `url`, ending with the blank line. */
export function postHead(url: string, headers: Record<string, string>): string {
  const { host, pathname } = new URL(url);
  const lines = Object.entries({ host, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `POST ${pathname} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}
