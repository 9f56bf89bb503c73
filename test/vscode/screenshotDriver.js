// Runs inside the extension host for test/vscode/screenshots.js: puts the window into each state
// worth a picture, says "SHOT <name>" on the console and waits until the launcher took it.
'use strict';
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function shot(name) {
  const done = path.join(process.env.SHIPSHAPE_SHOT_DIR, `${name}.done`);
  console.log(`SHOT ${name}`);
  const deadline = Date.now() + 30000;
  while (!fs.existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`no screenshot taken of ${name}`);
    await sleep(100);
  }
}

async function waitForDiagnostics(uri, n) {
  const deadline = Date.now() + 15000;
  while (vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Shipshape').length < n) {
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri.path}`);
    await sleep(100);
  }
}

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const bare = vscode.Uri.joinPath(folder, 'editor', 'bare.yaml');
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
  await waitForDiagnostics(bare, 5);
  const at = new vscode.Position(14, 12);
  editor.selection = new vscode.Selection(at, at);
  await sleep(500);
  await vscode.commands.executeCommand('editor.action.showHover');
  await sleep(1500);
  await shot('hover');
  // Reopening the editor closes the hover, so the menu is seen alone.
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  const again = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
  again.selection = new vscode.Selection(at, at);
  await sleep(500);
  await vscode.commands.executeCommand('editor.action.quickFix');
  await sleep(1500);
  await shot('quickfix');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'shipshape.shipshape#gettingStarted', false);
  await sleep(2500);
  await shot('walkthrough');
};
