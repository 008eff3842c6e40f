// The dashboard's view state and the events that change it: the admin snapshot plus the live admin:* events.
import type { AdminSnapshot, ClientInfo, LogEntry, MetricRecord, RoundRecord, RunSnapshot, StepRecord } from '@splitlora/protocol';

export type ServerInfo = AdminSnapshot['server'];

export interface DashboardState {
  server: ServerInfo | null;
  run: RunSnapshot | null;
  clients: ClientInfo[];
  /** Per-client local steps of the current run, in arrival order. */
  steps: StepRecord[];
  /** One record per finished round of the current run (round 0 = evaluation before training), sorted by round. */
  rounds: RoundRecord[];
  /** The newest server log lines, oldest first, at most LOG_LIMIT. */
  logs: LogEntry[];
}

export type DashboardEvent =
  | { type: 'snapshot'; snapshot: AdminSnapshot }
  | { type: 'run'; run: RunSnapshot | null }
  | { type: 'clients'; clients: ClientInfo[] }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'log'; entry: LogEntry };

export const LOG_LIMIT = 200;

export const EMPTY_DASHBOARD: DashboardState = { server: null, run: null, clients: [], steps: [], rounds: [], logs: [] };
