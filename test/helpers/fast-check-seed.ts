// Every property test of `npm test` explores the same inputs on every run (a fixed seed), so that its verdict
// depends on the code alone and CI cannot go red on a draw. `npm run fuzz` explores fresh ones: FC_SEED=random (or
// a number to replay a failure).
import fc from "fast-check";

export const SEED = process.env.FC_SEED === "random" ? undefined : Number(process.env.FC_SEED ?? 20261121);

if (SEED !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: SEED });
