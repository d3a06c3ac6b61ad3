-- Drives a headless Neovim through docs/editors/neovim.lua: Document this block (cursor, and a range with
-- :BlockguideDocument), :write, then hover; writes what happened as JSON to $BG_OUT and quits.
local out = {
  version = vim.version(), messages = {}, progress = 0, steps = {},
}

local function finish(err)
  out.error = err
  local f = io.open(os.getenv('BG_OUT'), 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd(err and 'cquit 3' or 'qall!')
end

local function wait(what, timeout, cond)
  if not vim.wait(timeout, cond, 50) then
    error('timed out waiting for ' .. what)
  end
end

local function document(opts)
  local result
  opts.on_done = function(err, res) result = { err = err or vim.NIL, res = res } end
  local bg = package.loaded['blockguide']
  bg.document_block(opts)
  wait('Document this block', 60000, function() return result ~= nil end)
  if result.err ~= vim.NIL then
    error('document_block failed: ' .. vim.inspect(result.err))
  end
  return result.res
end

local ok, err = pcall(function()
  vim.cmd('filetype on') -- Neovim turns it on only after the init file; ours runs everything in it
  local bg = dofile(os.getenv('BG_SNIPPET'))
  package.loaded['blockguide'] = bg
  local capabilities = nil
  if os.getenv('BG_NO_RESOLVE') == '1' then
    capabilities = vim.lsp.protocol.make_client_capabilities()
    capabilities.textDocument.codeAction.resolveSupport = nil
  end
  bg.setup({
    cmd = { os.getenv('BG_PYTHON'), '-m', 'blockguide', 'serve' },
    settings = { ollamaHost = os.getenv('BG_HOST'), timeout = 30 },
    capabilities = capabilities,
  })
  -- watch the wire: messages shown, progress, which methods the client sent
  vim.lsp.handlers['window/showMessage'] = function(_, result) table.insert(out.messages, result.message) end
  local progress = vim.lsp.handlers['$/progress']
  vim.lsp.handlers['$/progress'] = function(e, result, ctx, config)
    out.progress = out.progress + 1
    if progress then return progress(e, result, ctx, config) end
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('BG_FILE')))
  out.filetype = vim.bo.filetype
  wait('the server to start', 20000, function()
    local c = bg.client(0)
    return c ~= nil and c.server_capabilities ~= nil and next(c.server_capabilities) ~= nil
  end)
  local client = bg.client(0)
  out.offset_encoding = client.offset_encoding
  local request = client.request
  client.request = function(method, params, handler, bufnr)
    table.insert(out.steps, method)
    return request(method, params, handler, bufnr)
  end

  -- 1. the cursor on `def slugify`: the definition around it
  vim.api.nvim_win_set_cursor(0, { vim.fn.search('^def slugify'), 0 })
  document({})
  -- 2. a range, as from visual mode: the lines of Slugger.make
  local first = vim.fn.search('^    def make')
  vim.cmd(first .. ',' .. (first + 1) .. 'BlockguideDocument')
  -- :BlockguideDocument reports through vim.notify; wait for its edit to land
  wait('the second guide', 60000, function()
    local n = 0
    for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
      if l:find('--- blockguide ', 1, true) then n = n + 1 end
    end
    return n == 2
  end)
  vim.cmd('write')

  -- 3. hover on the body of slugify
  local line = vim.fn.search('^def slugify') - 1
  local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line + 1, character = 6 },
  }, 10000)
  for _, r in pairs(hover or {}) do
    if r.result and r.result.contents then
      out.hover = r.result.contents.value or r.result.contents
    end
  end
  out.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
end)
finish(not ok and tostring(err) or nil)
