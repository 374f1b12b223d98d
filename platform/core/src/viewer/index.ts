/** Rules of a viewer that hosts Concord, kept free of any viewer: which series, which reference SEG. */
export * from './imageSeries.ts';
export * from './referenceSeg.ts';
export * from './displayedSeries.ts';
export * from './labelFiles.ts';
export * from './structureFilter.ts';
export * from './labelmapOnSeries.ts';
