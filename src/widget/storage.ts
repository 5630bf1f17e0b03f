// The browser's storage, which a page or the browser may block: reads then give nothing and writes are dropped, so the
// widget still works, it just forgets (the conversation token, the visit, the dismissed invitations).

export type StoreName = "localStorage" | "sessionStorage";

export function storageGet(store: StoreName, key: string): string | null {
  try {
    return window[store].getItem(key);
  } catch {
    return null;
  }
}

export function storageSet(store: StoreName, key: string, value: string | null): void {
  try {
    if (value === null) window[store].removeItem(key);
    else window[store].setItem(key, value);
  } catch {
    // storage blocked
  }
}
