import type { PickedRun } from '../store/pickedFiles';
import { fromFileList } from '../store/pickedFiles';

/**
 * Where a run's files come in: the drop hint, the two pick buttons and the hidden file inputs behind
 * them. The form holds the inputs (by ref) to open the folder one and to clear both once queued.
 */
export function RunFilePicker(props: {
  folderRef: (el: HTMLInputElement) => void;
  filesRef: (el: HTMLInputElement) => void;
  onPickFolder: () => void;
  onPickFiles: () => void;
  onPicked: (run: PickedRun) => void;
}) {
  return (
    <div class="drop-area" data-testid="drop-area">
      <p>Drop a run's folder or files here, or</p>
      <div class="job-actions">
        <button type="button" onClick={() => props.onPickFolder()}>
          Pick a folder
        </button>
        <button type="button" onClick={() => props.onPickFiles()}>
          Pick files
        </button>
      </div>
      <input
        ref={props.folderRef}
        class="visually-hidden"
        type="file"
        tabindex="-1"
        aria-label="Folder of the run"
        data-testid="pick-folder"
        {...{ webkitdirectory: true }}
        multiple
        onChange={(e) => props.onPicked(fromFileList(e.currentTarget.files))}
      />
      <input
        ref={props.filesRef}
        class="visually-hidden"
        type="file"
        tabindex="-1"
        aria-label="Files of the run"
        data-testid="pick-files"
        multiple
        onChange={(e) => props.onPicked(fromFileList(e.currentTarget.files))}
      />
    </div>
  );
}
