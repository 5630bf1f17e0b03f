// `npm run screenshots`: the console and the monitor in a real terminal (xterm on Xvfb, DejaVu Sans Mono),
// driven to the states the README shows and saved as PNGs in docs/screenshots/. A routing server with the
// demo org runs in this process; customers, Bob and Carol are scripted clients speaking the real protocol;
// Alice's console and Sam's monitor are the built CLI (`npm run build` first). Every step waits on what the
// screen shows, never on a fixed delay.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { missingTools, openXterm, shoot, startDisplay, Tmux, until } from "./screenshots/terminal.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "docs/screenshots");
const WIDE = { columns: 150, rows: 45 };
const SMALL = { columns: 80, rows: 24 };

const missing = missingTools();
if (missing) {
  console.error(missing);
  process.exit(1);
}
let built;
try {
  built = {
    ...(await import("../dist/server/start-server.js")),
    ...(await import("../dist/src/client/client.js")),
    ...(await import("../dist/src/cli/local-server.js")),
  };
} catch (error) {
  console.error(`npm run screenshots runs the built CLI: run \`npm run build\` first (${error.message})`);
  process.exit(1);
}
const { startServer, CcClient, signedIdentity } = built;

const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), "cc-agent-shots-"));
const home = join(dir, "home");
mkdirSync(OUT, { recursive: true });
const server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
let xvfb = null;
const tmux = new Tmux(dir);
const clients = [];

/** A scripted client of the real protocol, signed in and welcomed. */
async function connect(hello) {
  const client = new CcClient({ url: server.url, hello: { client: "cc-agent screenshots", ...hello } });
  await client.connect();
  clients.push(client);
  return client;
}

const token = (id) => server.org.users.find((u) => u.id === id).token;
let clientIds = 0;

/** A signed-in customer who starts a live chat; resolves with a `say` function for more messages. */
async function customer(name, email, first) {
  const identity = signedIdentity(server.org.secret, { id: email, name, email });
  const client = await connect({ role: "customer", identity });
  const ack = await client.request({ type: "start", workstream: "live", text: first, clientId: `s${++clientIds}` });
  const conversationId = ack.conversationId;
  return {
    conversationId,
    say: (text) => client.request({ type: "send", conversationId, text, clientId: `s${++clientIds}` }),
  };
}

/** A rep who is not on screen: accepts every offer at once and answers with `reply`; `reasonId` goes with the presence. */
async function backgroundRep(id, presence, reply, reasonId) {
  const rep = await connect({ role: "rep", token: token(id) });
  rep.on("event", (frame) => {
    for (const change of frame.changes) {
      if (change.kind !== "offer" || change.offer.status !== "pending") continue;
      void rep
        .request({ type: "accept", offerId: change.offer.id })
        .then(() =>
          rep.request({
            type: "send",
            conversationId: change.offer.conversationId,
            text: reply,
            clientId: `r${++clientIds}`,
          }),
        )
        .catch(() => undefined);
    }
  });
  await rep.request(reasonId ? { type: "presence", presence, reasonId } : { type: "presence", presence });
  return rep;
}

/** The built CLI in tmux session `name`, with this run's CC_AGENT_HOME. */
function cli(name, args, size, env = {}) {
  return tmux.start(name, {
    command: [process.execPath, join(ROOT, "bin/cc-agent.js"), ...args],
    env: { CC_AGENT_HOME: home, ...env },
    cwd: ROOT,
    ...size,
  });
}

/** Show tmux session `name` in an xterm of `size` and save it as docs/screenshots/<file>. */
async function picture(name, file, size, palette = "dark") {
  const xterm = await openXterm(xvfb.display, tmux, name, { ...size, palette });
  try {
    await shoot(xvfb.display, xterm.windowId, join(OUT, file));
    console.error(`  docs/screenshots/${file}`);
  } finally {
    await xterm.close();
  }
}

/** In the monitor, move the selection until the preview shows `customer`'s conversation. */
async function selectRow(name, customer) {
  const previewTitle = (screen) => /^c\d+ · .*$/m.exec(screen)?.[0] ?? "";
  for (const key of ["k", "j"])
    for (let moves = 0; moves < 20; moves++) {
      const title = previewTitle(await tmux.screen(name));
      if (key === "j" && title.includes(`· ${customer} [`)) return;
      await tmux.keys(name, key);
      // At the end of the table the selection no longer moves.
      const moved = await tmux
        .waitFor(name, (s) => previewTitle(s) !== title, "the selection moved", 1000)
        .then(
          () => true,
          () => false,
        );
      if (!moved) break;
    }
  throw new Error(`no row of ${customer} in the monitor`);
}

/** The console redraws after a resize: wait until its header fits the new width. */
const fits = (columns) => (screen) => screen.split("\n").every((line) => [...line].length <= columns);

try {
  xvfb = await startDisplay();
  console.error(`Writing screenshots (server ${server.url}, display ${xvfb.display})`);
  // Carol is away; Bob takes what Alice cannot, so the monitor has more than one rep at work.
  await backgroundRep("carol", "away", "", "break");
  await cli("alice", ["--as", "alice"], WIDE);
  await tmux.waitFor("alice", "● Available", "Alice signed in and Available", 45_000);

  // 1. An offer.
  const dana = await customer(
    "Dana Kim",
    "dana.kim@example.com",
    "Hi, my parcel was due on Monday and has not arrived yet.",
  );
  await tmux.waitFor("alice", "New conversation: Dana Kim", "the offer card");
  await picture("alice", "console-offer.png", WIDE);

  // 2. Two sessions: Dana's with unread messages and the sentiment alert, Marc's open.
  await tmux.keys("alice", "M-y");
  await tmux.waitFor("alice", "Dana Kim [Active]", "Dana's conversation open");
  await tmux.type("alice", "Sorry to hear that, Dana. Let me look up the tracking for you.");
  await tmux.waitFor("alice", "Let me look up the tracking", "the reply typed");
  await tmux.keys("alice", "Enter");
  await tmux.waitFor("alice", "You: Sorry to hear that", "the reply sent");
  const marc = await customer(
    "Marc Weber",
    "marc.weber@example.com",
    "Hello! Can I change the delivery address of order 4471?",
  );
  await tmux.waitFor("alice", "New conversation: Marc Weber", "Marc's offer");
  await tmux.keys("alice", "M-y");
  await tmux.waitFor("alice", "Marc Weber [Active]", "Marc's conversation open");
  await tmux.type("alice", "Of course. What is the new address?");
  await tmux.waitFor("alice", "What is the new address?", "the reply typed");
  await tmux.keys("alice", "Enter");
  await tmux.waitFor("alice", "You: Of course", "the reply sent");
  await marc.say("Thanks! It is 12 Harbour Street, Leith.");
  await dana.say("This is ridiculous. Third time I am chasing this, it is terrible and useless service.");
  await dana.say("I am really angry. I want a refund now!");
  await tmux.waitFor("alice", "Thanks! It is 12 Harbour Street", "Marc's answer");
  await tmux.waitFor("alice", /Dana Kim .*2.*!/, "Dana's unread count and alert");
  await picture("alice", "console-sessions.png", WIDE);
  await picture("alice", "console-light.png", WIDE, "light");

  // 3. 80×24: the same console, resized.
  await tmux.tmux("resize-window", "-t", "alice", "-x", String(SMALL.columns), "-y", String(SMALL.rows));
  await tmux.waitFor("alice", fits(SMALL.columns), "the console redrawn at 80 columns");
  await picture("alice", "console-80x24.png", SMALL);
  await tmux.tmux("resize-window", "-t", "alice", "-x", String(WIDE.columns), "-y", String(WIDE.rows));

  // 4. The wrap-up dialog, on Marc's conversation.
  await tmux.keys("alice", "M-e");
  await tmux.waitFor("alice", "Wrap-up reason", "the wrap-up dialog");
  await picture("alice", "console-wrapup.png", WIDE);
  await tmux.keys("alice", "Enter");
  await tmux.waitFor("alice", "Wrap-up submitted", "the wrap-up submitted");

  // 5. The monitor with its preview, and the team view. Alice goes Busy; Bob takes the next chats until he is
  // full, and one more customer waits in the queue.
  await tmux.type("alice", "/status busy");
  await tmux.keys("alice", "Enter");
  await tmux.waitFor("alice", "◐ Busy", "Alice Busy");
  await backgroundRep("bob", "available", "Hi, Bob here. Let me check that for you.");
  await customer("Priya Nair", "priya.nair@example.com", "Is there a discount for annual billing?");
  await customer("Tom Berg", "tom.berg@example.com", "My invoice shows the wrong VAT number.");
  await customer("Lena Fischer", "lena.fischer@example.com", "How do I add a second user to my account?");
  await customer("Omar Haddad", "omar.haddad@example.com", "Your app logs me out every five minutes. Very annoying.");
  await cli("sam", ["monitor", "--as", "sam"], WIDE);
  await tmux.waitFor(
    "sam",
    (s) => ["Dana Kim", "Tom Berg", "Omar Haddad"].every((name) => s.includes(name)) && /Bob Okafor/.test(s),
    "the monitor's table",
    45_000,
  );
  // Select Dana's conversation (the one with the alert) so that the preview shows it: from the top row down,
  // one row at a time, each move awaited on the preview's first line.
  await selectRow("sam", "Dana Kim");
  await picture("sam", "monitor.png", WIDE);
  await tmux.keys("sam", "T");
  await tmux.waitFor("sam", /Team\s+presence/, "the team view");
  await picture("sam", "monitor-team.png", WIDE);

  // 6. NO_COLOR: Alice quits and comes back without colour.
  await tmux.keys("alice", "C-c");
  await tmux.waitFor("alice", "again to quit", "the quit warning");
  await tmux.keys("alice", "C-c");
  await until(async () => !(await tmux.alive("alice")), "Alice's console to quit");
  await cli("alice-nc", ["--as", "alice"], WIDE, { NO_COLOR: "1" });
  await tmux.waitFor(
    "alice-nc",
    (s) => s.includes("● Available") && s.includes("Dana Kim"),
    "Alice back, without colour",
    45_000,
  );
  await tmux.keys("alice-nc", "M-1");
  // An offer may be pending: its card lies over the details, so the thread says the conversation is open.
  await tmux.waitFor("alice-nc", "I want a refund now!", "Dana's conversation open");
  await picture("alice-nc", "console-no-color.png", WIDE);

  console.error(`Done in ${Math.round((Date.now() - started) / 1000)} s.`);
} catch (error) {
  console.error(`npm run screenshots failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await tmux.kill();
  xvfb?.stop();
  for (const c of clients) void c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
