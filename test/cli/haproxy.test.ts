// HAProxy running deploy/haproxy.cfg (the configuration docs/operations.md shows) in front of two built
// `cc-agent server` processes: WebSocket traffic passes through it, its health checks on GET /healthz see a node die,
// and a new connection then reaches the other node. The two servers are single nodes on SQLite files of their own:
// this is about the load balancer, not about a cluster.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsOf, listening, spawnServer, stopProcess, tokenOf, type CliProcess } from "../helpers/cli-server.js";
import { HAPROXY_TEMPLATE, haproxyBinary, haproxyConfig, startHaproxy, type Haproxy } from "../helpers/haproxy.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
const balancers: Haproxy[] = [];
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

beforeAll(() => {
  tmp = tempDir("cc-agent-haproxy-test-");
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const balancer of balancers.splice(0)) await balancer.stop();
  for (const cli of processes.splice(0)) await stopProcess(cli);
  tmp?.remove();
});

async function node(name: string): Promise<{ cli: CliProcess; port: number; token: (id: string) => string }> {
  const home = join(tmp.dir, name);
  const cli = spawnServer(join(tmp.dir, `${name}.db`), { cwd: tmp.dir, home });
  processes.push(cli);
  const url = await listening(cli);
  const credentials = credentialsOf(cli, home);
  return { cli, port: Number(new URL(url).port), token: (id) => tokenOf(credentials, id) };
}

async function balance(ports: number[]): Promise<Haproxy> {
  const haproxy = await startHaproxy(ports);
  balancers.push(haproxy);
  for (let i = 1; i <= ports.length; i++) await haproxy.waitForStatus(`node${i}`, "UP");
  return haproxy;
}

async function connect(
  url: string,
  hello: ConstructorParameters<typeof TestClient>[1],
  options: { reconnect?: boolean } = {},
): Promise<TestClient> {
  const client = await new TestClient(url, hello, options).connect();
  clients.push(client);
  return client;
}

/** A customer starts a conversation, the rep accepts it, and each reads the other's message. */
async function exchange(rep: TestClient, customer: TestClient, text: string): Promise<void> {
  const { conversationId } = (await customer.request({ type: "start", workstream: "live", text })) as {
    conversationId: string;
  };
  await rep.request({ type: "accept", offerId: (await rep.waitForOffer(conversationId)).id });
  await rep.waitForText(conversationId, text);
  await rep.request({ type: "send", conversationId, text: `Re: ${text}` });
  await customer.waitForText(conversationId, `Re: ${text}`);
}

describe("deploy/haproxy.cfg", () => {
  it("without HAProxy installed, the tests fail saying how to install it", () => {
    expect(() => haproxyBinary("", join(tmp.dir, "no-haproxy"))).toThrow(/apt-get install -y haproxy/);
  });

  it("is run with only its addresses replaced: the health check on /healthz and the tunnel timeout stay", () => {
    const template = readFileSync(HAPROXY_TEMPLATE, "utf8");
    const config = haproxyConfig(template, { port: 5000, backends: [6001, 6002], socket: "/tmp/x/admin.sock" });
    const servers = config.split("\n").filter((line) => /^\s*server\s/.test(line));
    expect(servers.map((line) => line.trim())).toEqual([
      "server node1 127.0.0.1:6001 check",
      "server node2 127.0.0.1:6002 check",
    ]);
    expect(config).toMatch(/^\s*bind 127\.0\.0\.1:5000$/m);
    expect(config).toMatch(/^\s*stats socket \/tmp\/x\/admin\.sock /m);
    for (const kept of [
      "option httpchk GET /healthz",
      "http-check expect status 200",
      "timeout tunnel",
      "mode http",
      "on-marked-down shutdown-sessions",
    ])
      expect(config).toContain(kept);
    const otherLines = (text: string) => text.split("\n").filter((l) => !/^\s*(server|bind|stats socket)\s/.test(l));
    expect(otherLines(config)).toEqual(otherLines(template));
  });

  it("is the configuration docs/operations.md shows, word for word", () => {
    const template = readFileSync(HAPROXY_TEMPLATE, "utf8").trimEnd();
    const operations = readFileSync(join(HAPROXY_TEMPLATE, "../../docs/operations.md"), "utf8");
    expect(operations).toContain("```haproxy\n" + template + "\n```");
  });

  it("relays a rep and a customer over WebSocket; when a node is killed its health check marks it down and new connections reach the other node", async () => {
    const [first, second] = await Promise.all([node("a1"), node("a2")]);
    const haproxy = await balance([first.port, second.port]);
    // /healthz answers through the balancer too.
    expect((await fetch(`${haproxy.http}/healthz`)).status).toBe(200);

    // The nodes share no data, so the rep and the customer must meet on one: node2 takes no new connections for now.
    expect(await haproxy.command("set server cc_nodes/node2 state drain")).toBe("\n");
    const alice = await connect(haproxy.url, { role: "rep", token: first.token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect(haproxy.url, { role: "customer" });
    await exchange(alice, customer, "My order never arrived");
    expect((await haproxy.servers()).map((s) => [s.name, s.current])).toEqual([
      ["node1", 2],
      ["node2", 0],
    ]);

    await haproxy.command("set server cc_nodes/node2 state ready");
    await haproxy.waitForStatus("node2", "UP");
    first.cli.child.kill("SIGKILL");
    await first.cli.exit;
    await haproxy.waitForStatus("node1", "DOWN");

    // New connections through the same address reach node2, and a conversation works there end to end.
    const bob = await connect(haproxy.url, { role: "rep", token: second.token("bob") });
    await bob.request({ type: "presence", presence: "available" });
    const another = await connect(haproxy.url, { role: "customer" });
    await exchange(bob, another, "Where is my parcel?");
    expect(await haproxy.servers()).toMatchObject([
      { name: "node1", status: "DOWN", current: 0 },
      { name: "node2", status: "UP", current: 2 },
    ]);
    expect((await fetch(`${haproxy.http}/healthz`)).status).toBe(200);
  });

  it("a frozen node (SIGSTOP) fails its health check: HAProxy marks it down and cuts its connections, and its clients reconnect to the other node", async () => {
    const [first, second] = await Promise.all([node("b1"), node("b2")]);
    const haproxy = await balance([first.port, second.port]);
    await haproxy.command("set server cc_nodes/node2 state drain");
    const customer = await connect(haproxy.url, { role: "customer" }, { reconnect: true });
    expect((await haproxy.servers()).map((s) => [s.name, s.current])).toEqual([
      ["node1", 1],
      ["node2", 0],
    ]);
    await haproxy.command("set server cc_nodes/node2 state ready");
    await haproxy.waitForStatus("node2", "UP");

    first.cli.child.kill("SIGSTOP");
    try {
      await haproxy.waitForStatus("node1", "DOWN");
      // The frozen node never closes the socket itself: HAProxy cut it, and the client came back through HAProxy.
      await waitFor(() => customer.welcomes.length === 2, "the customer's second welcome", 10_000);
      expect(customer.client.state).toBe("online");
      expect(await haproxy.servers()).toMatchObject([
        { name: "node1", status: "DOWN", current: 0 },
        { name: "node2", status: "UP", current: 1 },
      ]);
      // And it works there.
      const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hello?" })) as {
        conversationId: string;
      };
      expect(conversationId).toMatch(/\S/);
    } finally {
      first.cli.child.kill("SIGCONT");
    }
  });
});
