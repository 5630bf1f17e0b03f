// A connection of its own that LISTENs on one Postgres channel, and listens again after a pause when it is cut. A
// notification sent while it was cut is lost: its owner reads what it missed when told it listens again (and polls,
// since a cut may go unnoticed for a while).
import pg from "pg";

export interface ListenerOptions {
  url: string;
  channel: string;
  /** How the connection shows in pg_stat_activity. */
  applicationName?: string;
  /** The pause before listening again after a cut. */
  reconnectMs?: number;
  onNotification: (payload: string) => void;
  /** Listening again after a cut: read what was notified meanwhile. */
  onListening: () => void;
  onError: (error: unknown) => void;
}

export class Listener {
  private client: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly options: ListenerOptions) {}

  /** Resolves once it listens; rejects when the first connection fails. */
  static async open(options: ListenerOptions): Promise<Listener> {
    const listener = new Listener(options);
    await listener.listen();
    return listener;
  }

  private async listen(): Promise<void> {
    const { url, applicationName, channel } = this.options;
    const client = new pg.Client({
      connectionString: url,
      ...(applicationName === undefined ? {} : { application_name: applicationName }),
    });
    const cut = (error?: unknown): void => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      if (error !== undefined) this.options.onError(error);
      this.listenAgain();
    };
    this.client = client;
    client.on("notification", (message) => this.options.onNotification(message.payload ?? ""));
    client.on("error", (error) => cut(error));
    client.on("end", () => cut());
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      throw error;
    }
  }

  private listenAgain(): void {
    if (this.closed || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      if (this.closed) return;
      this.listen().then(
        () => this.options.onListening(),
        (failure: unknown) => {
          this.options.onError(failure);
          this.listenAgain();
        },
      );
    }, this.options.reconnectMs ?? 200);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
