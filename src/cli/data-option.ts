// `--data` of `cc-agent server`, `server backup` and `report`, checked before anything is opened: an empty value or
// a folder is said as what to change, on one line, instead of a store error (or, for the server, no file at all).
import { statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Throws, saying what to give instead, when `--data` names no file: empty, or a folder. */
export function checkDataPath(data: string, also = ""): void {
  if (data.trim() === "") {
    throw new Error(`--data is empty: give the data file's path${also} (left out, it is cc-agent.db)`);
  }
  const absolute = resolve(data);
  let folder = false;
  try {
    folder = statSync(absolute).isDirectory();
  } catch {
    // Absent (it is made) or unreadable: said by whatever opens it.
  }
  if (folder) {
    throw new Error(
      `data file ${absolute} is a folder: give --data the file in it, e.g. --data ${join(data, "cc-agent.db")}`,
    );
  }
}
