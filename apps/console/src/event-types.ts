/** The event types of an analysis's stream, as the server declares them. */
export {
  ANALYSIS_EVENT_TYPES,
  type AnalysisEventType,
} from '../../../libs/wall-bounce/src/analysis/analysis-event-types';
