// Worker entry for `concord cohort --workers N` when run from the TypeScript sources: tsx's
// loader hooks are not inherited by worker threads, so register them, then load the body.
import { register } from 'tsx/esm/api';

register();
await import('./caseWorker.ts');
