export * from './analysis/analysis.types';
