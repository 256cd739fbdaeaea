// Turning what a person hands over (a picked folder, a dropped folder, files) into a run's file list.

/** One file of a run and its path inside the run. */
export interface PickedFile {
  relPath: string;
  file: File;
}

/** What was handed over: the files and, when they came as one folder, its name (the run's default name). */
export interface PickedRun {
  folderName: string | null;
  files: PickedFile[];
}

/** From an <input type=file>: a folder arrives as "<folder>/<path>" in webkitRelativePath. */
export function fromFileList(list: FileList | File[] | null): PickedRun {
  const files = [...(list ?? [])].map((file) => ({ relPath: file.webkitRelativePath || file.name, file }));
  return stripCommonFolder(files);
}

function stripCommonFolder(files: PickedFile[]): PickedRun {
  const top = files[0]?.relPath.includes('/') ? files[0].relPath.split('/')[0] : '';
  if (!top || !files.every((f) => f.relPath.startsWith(`${top}/`))) return { folderName: null, files };
  return { folderName: top, files: files.map((f) => ({ ...f, relPath: f.relPath.slice(top.length + 1) })) };
}

type Entry = FileSystemEntry & Partial<FileSystemFileEntry & FileSystemDirectoryEntry>;

/**
 * From a drop: folders are walked through their entries. The entries must be taken during the drop
 * event itself (the DataTransfer is emptied once the handler returns), so call this synchronously and
 * await the result afterwards.
 */
export function fromDataTransfer(dt: DataTransfer): Promise<PickedRun> {
  const entries = [...dt.items].filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.() as Entry | null);
  if (!entries.length || entries.some((e) => !e)) return Promise.resolve(fromFileList([...dt.files]));
  return (async () => {
    const files: PickedFile[] = [];
    for (const entry of entries as Entry[]) await walkEntry(entry, '', files);
    return stripCommonFolder(files);
  })();
}

async function walkEntry(entry: Entry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
    out.push({ relPath: path, file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until it answers with none.
    for (;;) {
      const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries((e) => resolve(e as Entry[]), reject));
      if (!batch.length) break;
      for (const child of batch) await walkEntry(child, path, out);
    }
  }
}

type DirectoryPicker = () => Promise<FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> }>;

/** The File System Access folder picker, where the browser has it (desktop Chromium); else null. */
export function directoryPicker(): DirectoryPicker | null {
  return (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker ?? null;
}

/** Every file below a picked folder, with paths relative to it. */
export async function fromDirectoryHandle(dir: FileSystemDirectoryHandle): Promise<PickedRun> {
  const files: PickedFile[] = [];
  async function walk(handle: FileSystemDirectoryHandle, prefix: string): Promise<void> {
    for await (const child of (handle as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      const path = prefix ? `${prefix}/${child.name}` : child.name;
      if (child.kind === 'file') files.push({ relPath: path, file: await (child as FileSystemFileHandle).getFile() });
      else await walk(child as FileSystemDirectoryHandle, path);
    }
  }
  await walk(dir, '');
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { folderName: dir.name, files };
}
