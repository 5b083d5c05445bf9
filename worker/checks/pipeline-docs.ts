/** pipeline_status documents as the checks read them (each component writes its own shape). */
export interface ConnectorStatusDoc {
  id: string;
  component: string;
  source: string;
  state: 'starting' | 'running' | 'failing' | 'stopped';
  lastError: string | null;
  updatedAt: string;
}

export interface CollectorStatusDoc {
  id: string;
  component: 'collector';
  spoolRecords: number;
  spoolBytes: number;
  updatedAt: string;
}

export interface ProcessorStatusDoc {
  id: string;
  component: 'processor';
  topic: string;
  partition: number;
  /** Messages after the last one the processor committed (added from Kafka's end offsets). */
  lag?: number;
}

export function isConnectorStatus(
  doc: Record<string, unknown>,
): doc is Record<string, unknown> & ConnectorStatusDoc {
  return (
    typeof doc.component === 'string' &&
    doc.component.startsWith('connector:') &&
    typeof doc.source === 'string'
  );
}

export function isCollectorStatus(
  doc: Record<string, unknown>,
): doc is Record<string, unknown> & CollectorStatusDoc {
  return doc.component === 'collector' && typeof doc.spoolRecords === 'number';
}

export function isProcessorStatus(
  doc: Record<string, unknown>,
): doc is Record<string, unknown> & ProcessorStatusDoc {
  return doc.component === 'processor' && typeof doc.topic === 'string';
}
