-- nvim_e2e.lua — test_server.sh's end-to-end test in a real editor: headless Neovim (Debian's 0.7, so
-- vim.lsp.start_client; vim.lsp.start is 0.8's) attaches `asyncscan server` to $ASYNCSCAN_FILE, waits for its
-- diagnostics, applies the quick fix of the first one through the LSP code action (its edit resolved lazily,
-- codeAction/resolve), writes the file, waits
-- for the diagnostics to be re-published; then opens $ASYNCSCAN_CALLER (an async caller of a blocking helper) and
-- $ASYNCSCAN_HELPER, edits the helper without saving and waits for the caller's finding through it to go; and
-- writes what it saw to $ASYNCSCAN_REPORT. Exits 3 on a failure.
local function fail(msg)
  io.stderr:write('nvim_e2e: ' .. msg .. '\n')
  vim.cmd('cquit 3')
end

local file, bin, report = vim.env.ASYNCSCAN_FILE, vim.env.ASYNCSCAN_BIN, vim.env.ASYNCSCAN_REPORT
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = 'asyncscan',
  cmd = { bin, 'server' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  init_options = { unsafeFixes = true },
})
if not id then fail('the server did not start') end
vim.lsp.buf_attach_client(buf, id)

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then fail('no diagnostics') end
local seen = vim.diagnostic.get(buf)
local d = seen[1]
local lsp_diag = {
  range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
  message = d.message, source = d.source, code = d.code,
  data = d.user_data and d.user_data.lsp and d.user_data.lsp.data or nil,
}
local params = { textDocument = vim.lsp.util.make_text_document_params(buf), range = lsp_diag.range,
                 context = { diagnostics = { lsp_diag } } }
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000) or {}
local chosen
local resolves = false
for _, r in pairs(responses) do
  for _, a in ipairs(r.result or {}) do
    if a.kind == 'quickfix' and not a.title:match('^Disable') then chosen = a end
  end
end
if not chosen then fail('no quick fix offered') end
-- Neovim offers codeAction/resolve for `edit`: the server sends the edit then (as vim.lsp.buf.code_action does)
local resolved = chosen
if not chosen.edit then
  local r = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', chosen, 20000) or {}
  for _, v in pairs(r) do if v.result then resolved = v.result end end
  if not resolved.edit then fail('codeAction/resolve gave no edit') end
  resolves = true
end
vim.lsp.util.apply_workspace_edit(resolved.edit, 'utf-16')
vim.cmd('write')
if not vim.wait(20000, function() return #vim.diagnostic.get(buf) == #seen - 1 end, 50) then
  fail('the diagnostics were not re-published after the fix')
end
-- across modules: a caller of a blocking helper; the helper edited in its own buffer, not saved, re-publishes
-- the caller's diagnostics without the finding through it
local cross = 'skipped'
if vim.env.ASYNCSCAN_CALLER then
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.ASYNCSCAN_CALLER))
  local caller = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(caller, id)
  local function has_helper_finding()
    for _, x in ipairs(vim.diagnostic.get(caller)) do if x.code == 'ASC108' then return true end end
    return false
  end
  if not vim.wait(20000, has_helper_finding, 50) then fail('no ASC108 in the caller') end
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.ASYNCSCAN_HELPER))
  local helper = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(helper, id)
  vim.api.nvim_buf_set_lines(helper, 3, 4, false, { '    pass' })
  if not vim.wait(20000, function() return not has_helper_finding() end, 50) then
    fail('the unsaved helper edit did not reach the caller')
  end
  if vim.bo[helper].modified ~= true then fail('the helper was saved') end
  cross = 'ok'
end
local out = io.open(report, 'w')
out:write(string.format('before=%d after=%d code=%s action=%s\n', #seen, #vim.diagnostic.get(buf),
                        tostring(d.code), chosen.title))
out:write(string.format('resolved=%s\n', tostring(resolves)))
out:write(string.format('cross=%s\n', cross))
out:close()
vim.cmd('qall!')
