// The server's small HTTP API: health, the public run description for the volunteer page, why a connection from the
// asker would be refused (the WebSocket upgrade's refusal is unreadable in a browser), and the tokenizer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ComputeDevice } from '@splitlora/node';
import { type ConnectionCheck, type ConnectionRefusal, methodUploadSummary, modelWeights, PROTOCOL_VERSION } from '@splitlora/protocol';
import type { RunHost } from '../run/run-host.js';

export interface RouteDeps {
  host: RunHost;
  backend: string;
  device: ComputeDevice;
  startedAt: number;
  volunteersOnline: () => number;
  /** Volunteers need an invite link (?invite=…) now: the server's, or the current run's. */
  inviteRequired: () => boolean;
  /** Why a connection from the asker's address would be refused now (the per-address limit), or null. */
  connectionCheck: (req: IncomingMessage) => ConnectionRefusal | null;
  /** The tokenizer files as JSON bytes ({vocabJson, mergesTxt}), or null when the server has none. */
  tokenizerJson: () => Promise<Uint8Array | null>;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', ...headers }).end(JSON.stringify(body));
}

/** What a new volunteer downloads once (client weights and tokenizer), or null while the run's model is not ready. */
function downloadBytes(run: RunHost['current']): number | null {
  try {
    const { weights, tokenizer } = run!.manifest().assets;
    return weights.bytes + tokenizer.bytes;
  } catch {
    return null;
  }
}

export async function handleApi(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  if (pathname === '/healthz') {
    json(res, 200, {
      ok: true, backend: deps.backend, device: deps.device, protocolVersion: PROTOCOL_VERSION, run: deps.host.current?.info() ?? null,
      volunteersOnline: deps.volunteersOnline(), uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
    return true;
  }
  if (pathname === '/api/run') {
    const run = deps.host.current;
    const snapshot = run?.snapshot() ?? null;
    json(res, 200, {
      run: run?.info() ?? null,
      volunteersOnline: deps.volunteersOnline(),
      inviteRequired: deps.inviteRequired(),
      training: snapshot === null ? null : {
        method: snapshot.config.method, uploads: methodUploadSummary(snapshot.config.method, snapshot.config.layout),
        model: snapshot.model, weights: modelWeights(snapshot.model), cut: snapshot.config.cut, layout: snapshot.config.layout,
        // The u-shaped layout without an eval file: the round's eval loss is the tabs' mean held-out loss.
        heldOutEval: snapshot.config.layout === 'u-shaped' && snapshot.config.evalData === null, leakage: snapshot.leakage ?? null,
        layers: snapshot.modelSummary?.layers ?? null, wireDtype: snapshot.config.wireDtype,
        batchSize: snapshot.config.batchSize, maxSeqLen: snapshot.config.maxSeqLen, localSteps: snapshot.config.localSteps,
        rounds: snapshot.config.rounds, sfl: snapshot.config.sfl, loraRank: snapshot.config.lora.r,
        clientTrainable: snapshot.modelSummary?.clientTrainable ?? null, clientParams: snapshot.modelSummary?.clientParams ?? null,
        privacy: {
          dp: snapshot.config.dp === null ? null : {
            noiseMultiplier: snapshot.config.dp.noiseMultiplier, clipNorm: snapshot.config.dp.clipNorm, delta: snapshot.config.dp.delta, epsilonBudget: snapshot.config.dp.epsilonBudget,
          },
          secureAggregation: snapshot.config.secureAggregation,
          activationNoise: snapshot.activationNoise ?? null,
        },
        downloadBytes: downloadBytes(run),
      },
    });
    return true;
  }
  if (pathname === '/api/connection-check') {
    const answer: ConnectionCheck = { refusal: deps.connectionCheck(req) };
    json(res, 200, answer);
    return true;
  }
  if (pathname === '/api/tokenizer') {
    const bytes = await deps.tokenizerJson();
    if (bytes === null) json(res, 503, { error: 'the server has no tokenizer files (set SPLITLORA_DATA_DIR)' });
    else res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=86400' }).end(bytes);
    return true;
  }
  if (pathname.startsWith('/api/')) {
    json(res, 404, { error: `no API route ${pathname}` });
    return true;
  }
  return false;
}
