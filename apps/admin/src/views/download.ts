// Saves downloaded files in the browser: one Blob + temporary <a download> per file.

export interface DownloadedFile { name: string; data: ArrayBuffer | Uint8Array }

export function saveFiles(files: readonly DownloadedFile[], savedName: (fileName: string) => string): void {
  for (const file of files) {
    // Copy a view into its own ArrayBuffer: a Blob takes ArrayBuffer-backed bytes only.
    const bytes = file.data instanceof ArrayBuffer ? file.data : new Uint8Array(file.data);
    const type = file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = savedName(file.name);
    anchor.style.display = 'none';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    // Give the browser time to start the download before the URL is revoked.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
