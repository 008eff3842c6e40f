// Saves a downloaded adapter in the browser as one .zip (a folder with the PEFT files): one click, one download.
import { createZip } from '@splitlora/web-kit/zip';

export interface DownloadedFile { name: string; data: ArrayBuffer | Uint8Array }

/** Zips `files` into the folder `folder` inside `archiveName` and hands the archive to the browser. */
export function saveFilesAsZip(files: readonly DownloadedFile[], folder: string, archiveName: string): void {
  const zip = createZip(files.map((f) => ({ name: `${folder}/${f.name}`, data: f.data instanceof Uint8Array ? f.data : new Uint8Array(f.data) })));
  const url = URL.createObjectURL(new Blob([zip.buffer as ArrayBuffer], { type: 'application/zip' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = archiveName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Give the browser time to start the download before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
