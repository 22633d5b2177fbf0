import { render } from 'preact';
import { App } from './app';
import { readPageConfig } from './config';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App config={readPageConfig()} />, root);
