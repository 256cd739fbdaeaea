// src/ui/ is the page: this file mounts App.tsx (the shell and the switch between views); worker.ts alone knows
// the worker; store/ holds the page's state, fed by the worker; pages/ one container per view; components/ their parts.
import { render } from 'solid-js/web';
import { App } from './App';
import './styles.css';

render(() => <App />, document.getElementById('app')!);
