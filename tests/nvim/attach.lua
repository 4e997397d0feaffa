-- Neovim headless end-to-end test of `idxlint lsp` (driven by tests/nvim.rs).
--
-- Environment: IDXLINT_BIN (the binary), IDXLINT_ROOT (a copy of fixtures/lsp/project),
-- IDXLINT_FILE (the file to open, relative to the root), IDXLINT_OUT (where to write the
-- JSON report). Starts the server as Neovim's LSP client, opens the file, waits for the
-- diagnostics, applies the suppression quick fix, writes the buffer, waits for the
-- diagnostics of the edited buffer and quits. Any failure exits with status 1.

local bin = os.getenv('IDXLINT_BIN')
local root = os.getenv('IDXLINT_ROOT')
local file = os.getenv('IDXLINT_FILE')
local out = os.getenv('IDXLINT_OUT')
local WAIT_MS = 60000

local encode = (vim.json and vim.json.encode) or vim.fn.json_encode
local report = { published = {} }

local function write_report()
  local f = assert(io.open(out, 'w'))
  f:write(encode(report))
  f:close()
end

local function fail(msg)
  report.error = msg
  write_report()
  vim.cmd('cquit 1')
end

-- Keep every publication as Neovim receives it, then let Neovim handle it as usual.
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  table.insert(report.published, result)
  return default_handler(err, result, ctx, config)
end

local function main()
  local path = root .. '/' .. file
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()

  -- vim.lsp.start (0.8+) does both steps; start_client + buf_attach_client work on 0.7.
  local client_id = vim.lsp.start_client({ name = 'idxlint', cmd = { bin, 'lsp' }, root_dir = root })
  if not client_id then
    return fail('the client did not start')
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  -- 1. The diagnostics of the opened buffer.
  local got = vim.wait(WAIT_MS, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not got then
    return fail('no diagnostics arrived')
  end
  report.before = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(report.before, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end

  -- 2. The code actions on the first finding's line; apply the suppression.
  local first = vim.diagnostic.get(bufnr)[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = first.lnum, character = 0 }, ['end'] = { line = first.lnum, character = 0 } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  if not responses or not responses[client_id] or not responses[client_id].result then
    return fail('no code actions')
  end
  report.actions = {}
  local suppression
  for _, action in ipairs(responses[client_id].result) do
    table.insert(report.actions, action.title)
    if action.title:find('^Suppress') then
      suppression = action
    end
  end
  if not suppression then
    return fail('no suppression action')
  end
  vim.lsp.util.apply_workspace_edit(suppression.edit, 'utf-16')
  vim.cmd('write')

  -- 3. The diagnostics of the edited buffer: the suppressed finding is gone.
  local count = #report.published
  vim.wait(WAIT_MS, function()
    return #report.published > count
  end, 50)
  report.after = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(report.after, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end

  write_report()
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
  vim.cmd('qall!')
end

local ok, err = pcall(main)
if not ok then
  fail(tostring(err))
end
