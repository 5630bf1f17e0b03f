// Home's own keys: its lists (scrolling, the highlighted one, picking or opening an item) and Tab on a command.
import type { Binding } from "./binding.js";

export const HOME_BINDINGS: Binding[] = [
  { id: "home-scroll-up", keys: ["PgUp"], modes: ["home"], description: "scroll the highlighted Home list up" },
  { id: "home-scroll-down", keys: ["PgDn"], modes: ["home"], description: "scroll the highlighted Home list down" },
  {
    id: "complete-slash",
    keys: ["Tab"],
    modes: ["home"],
    description: "complete the /command being typed",
    whenText: true,
  },
  {
    id: "home-next-list",
    keys: ["Tab"],
    modes: ["home"],
    description: "highlight the next Home list (my work items, open items, recently closed)",
  },
  {
    id: "pick",
    keys: [],
    modes: ["home"],
    description: "pick open work item N from Home's list (/pick N)",
    slash: "/pick",
  },
  {
    id: "open-closed",
    keys: [],
    modes: ["home"],
    description: "open recently closed item N from Home's list, read-only (/open N)",
    slash: "/open",
  },
];
