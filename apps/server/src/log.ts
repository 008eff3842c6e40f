// Structured, namespaced logging: one line per event to stderr, and listeners (the admin dashboard's log).

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogRecord {
  time: number;
  level: LogLevel;
  ns: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(ns: string): Logger;
}

export interface LogSink {
  write(record: LogRecord): void;
}

/** Writes human-readable lines to stderr (quiet mode keeps only warnings and errors). */
export function stderrSink(options: { quiet?: boolean } = {}): LogSink {
  return {
    write(record) {
      if (options.quiet && record.level === 'info') return;
      const fields = record.fields && Object.keys(record.fields).length > 0 ? ` ${JSON.stringify(record.fields)}` : '';
      process.stderr.write(`${new Date(record.time).toISOString()} ${record.level.toUpperCase().padEnd(5)} [${record.ns}] ${record.message}${fields}\n`);
    },
  };
}

export function createLogger(ns: string, sinks: LogSink[]): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const record: LogRecord = { time: Date.now(), level, ns, message, ...(fields ? { fields } : {}) };
    for (const sink of sinks) sink.write(record);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) => createLogger(`${ns}:${child}`, sinks),
  };
}
