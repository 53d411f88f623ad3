/** Jest's `setupFilesAfterEnv`: what every test file releases when it ends, in the one process that runs them all. */
import { stopCountingSql } from './instrumentation.ts';

afterAll(stopCountingSql);
