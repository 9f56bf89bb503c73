-- Neovim (0.7+) as a second LSP client of the Shipshape language server, run headless by
-- test/unit/lsp-neovim.test.ts:
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/nvim/lsp.lua'
-- Environment: SHIPSHAPE_SERVER (dist/server.js), SHIPSHAPE_FILE (the fixture to open, a copy),
-- SHIPSHAPE_RULE (the diagnostic to fix), SHIPSHAPE_FIX (the quick fix's title), SHIPSHAPE_REPORT
-- (where to write the JSON report). Uses only the built-in client: vim.lsp.start_client,
-- vim.lsp.buf_attach_client, vim.diagnostic, vim.lsp.buf.code_action with vim.ui.select answered.
local report = { steps = {} }
local function step(s) table.insert(report.steps, s) end

local function finish(ok, err)
  report.ok = ok
  report.error = err
  local f = io.open(os.getenv('SHIPSHAPE_REPORT'), 'w')
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd('qa!')
end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(out, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code))) end
  table.sort(out)
  return out
end

local ok, err = pcall(function()
  vim.cmd('filetype on')
  local file = os.getenv('SHIPSHAPE_FILE')
  local rule = os.getenv('SHIPSHAPE_RULE')
  local fix = os.getenv('SHIPSHAPE_FIX')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[bufnr].filetype
  local client_id = vim.lsp.start_client({
    name = 'shipshape',
    cmd = { 'node', os.getenv('SHIPSHAPE_SERVER'), '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(client_id, 'vim.lsp.start_client returned nothing')
  vim.lsp.buf_attach_client(bufnr, client_id)
  step('attached')

  -- 1. A diagnostic of the rule arrives.
  local target
  local arrived = vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if tostring(d.code) == rule then target = d return true end
    end
    return false
  end, 50)
  report.before = codes(bufnr)
  assert(arrived, 'no ' .. rule .. ' diagnostic within 15 s (got: ' .. table.concat(report.before, ', ') .. ')')
  report.diagnostic = { lnum = target.lnum, col = target.col, end_lnum = target.end_lnum, end_col = target.end_col, source = target.source, severity = target.severity }
  step('diagnostic')

  -- 2. The quick fix, chosen through Neovim's own code action flow.
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local offered, chosen = {}, false
  vim.ui.select = function(items, opts, on_choice)
    local pick
    for i, item in ipairs(items) do
      local action = item[2] or item.action
      table.insert(offered, action.title)
      if action.title == fix and not pick then pick = i end
    end
    chosen = pick ~= nil
    if pick then on_choice(items[pick], pick) else on_choice(nil, nil) end
  end
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action()
  local applied = vim.wait(10000, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick end, 50)
  report.offered = offered
  assert(chosen, 'quick fix "' .. fix .. '" not offered (offered: ' .. table.concat(offered, ' | ') .. ')')
  assert(applied, 'the quick fix did not change the buffer within 10 s')
  step('applied')
  vim.cmd('write')
  step('written')

  -- 3. Re-checked by the server after the edit: the rule's diagnostic goes.
  local gone = vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if tostring(d.code) == rule then return false end
    end
    return true
  end, 50)
  report.after = codes(bufnr)
  assert(gone, rule .. ' still reported 15 s after the fix (got: ' .. table.concat(report.after, ', ') .. ')')
  step('rechecked')
  vim.lsp.stop_client(client_id)
end)

finish(ok, not ok and tostring(err) or nil)
