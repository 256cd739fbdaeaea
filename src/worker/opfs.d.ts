// OPFS synchronous access handles exist only in dedicated workers, so the DOM lib leaves them out. The
// worker is checked against the WebWorker lib, which has them; this is for the programs that reach worker
// files under the DOM lib: the page's (through contract.ts's type imports) and the Node tests'.
interface FileSystemSyncAccessHandle {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

interface FileSystemFileHandle {
  createSyncAccessHandle(): Promise<FileSystemSyncAccessHandle>;
}
