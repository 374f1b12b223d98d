export { percentileLinear, selectKth } from './percentile.ts';
