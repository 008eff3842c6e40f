// Words for the server's compute device in the dashboard header: short ("nvidia nvidia-h200", "CPU (WebAssembly)",
// "google swiftshader-device-subzero- (software)"), the full name kept for the tooltip.
import type { ServerDevice } from '@splitlora/protocol';

export function serverDeviceLabel(backend: string, device: ServerDevice): { text: string; title: string } {
  const short = device.name.split(' — ')[0]!.replace(/ \((hardware|software fallback) adapter\)$/, '');
  const text = `server ${backend} on ${short}${device.fallback ? ' (software)' : ''}`;
  const title = device.fallback ? `${device.name}: a software adapter standing in for a GPU, slow.` : device.name;
  return { text, title };
}
