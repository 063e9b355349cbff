// Side effect only: the first import of every app's main.ts (see heap-bound.ts).
import { boundHeap } from './heap-bound.ts';

boundHeap();
