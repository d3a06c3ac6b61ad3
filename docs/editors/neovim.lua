-- blockguide in Neovim 0.7 or later, with the built-in LSP client and no plugins (no nvim-lspconfig).
--
-- Save this file as ~/.config/nvim/lua/blockguide.lua and put in init.lua:
--
--   require('blockguide').setup({
--     cmd = { 'blockguide', 'serve' },          -- or { '/path/to/.venv/bin/python', '-m', 'blockguide', 'serve' }
--     settings = { model = 'blockguide-tiny' }, -- the `blockguide` section: ollamaHost, backend, hosts, ...
--   })
--
-- In a Python, JavaScript, TypeScript, Go, Rust, Java, C or C++ buffer:
--   <leader>bd        document the function or class under the cursor (in visual mode: the selected lines)
--   :BlockguideDocument   the same as a command (takes a range)
--   K                 hover: the guide of the block under the cursor
-- tests/editors/test_neovim.py loads this very file in a headless Neovim and runs both against the server.

local M = {}

M.config = {
  cmd = { 'blockguide', 'serve' },
  filetypes = { 'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'rust', 'java',
                'c', 'cpp', 'cuda' },
  root_markers = { '.git', 'pyproject.toml', 'setup.py', 'package.json', 'go.mod', 'Cargo.toml' },
  settings = {},      -- sent as initializationOptions and answered to workspace/configuration
  keymap = '<leader>bd',
  hover_keymap = 'K', -- false: keep your own K
  capabilities = nil, -- nil: Neovim's own
}

local DOCUMENT = 'Document this block'

local function root_dir(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.finddir(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
    found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h')
    end
  end
  return dir
end

local function on_attach(_, bufnr)
  if M.config.keymap then
    vim.keymap.set('n', M.config.keymap, M.document_block, { buffer = bufnr, desc = 'blockguide: document this block' })
    vim.keymap.set('x', M.config.keymap, ':BlockguideDocument<CR>', { buffer = bufnr, silent = true })
  end
  if M.config.hover_keymap then
    vim.keymap.set('n', M.config.hover_keymap, vim.lsp.buf.hover, { buffer = bufnr, desc = 'hover' })
  end
end

local function client_config(bufnr)
  local settings = next(M.config.settings) and M.config.settings or vim.empty_dict() -- {} would be sent as []
  return {
    name = 'blockguide',
    cmd = M.config.cmd,
    root_dir = root_dir(bufnr),
    init_options = settings,
    settings = { blockguide = settings },
    capabilities = M.config.capabilities,
    on_attach = on_attach,
    handlers = {
      -- "ready", "generating", "unreachable", "modelMissing": put vim.g.blockguide_status in your statusline
      ['blockguide/status'] = function(_, result)
        vim.g.blockguide_status = result and result.state or nil
      end,
    },
  }
end

-- Start the server for a buffer (or attach the buffer to the one already running for its root).
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = client_config(bufnr)
  if vim.lsp.start then -- Neovim 0.8+
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  M._clients = M._clients or {} -- Neovim 0.7: one client per root
  local id = M._clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    M._clients[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

function M.client(bufnr)
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr or 0)) do
    if client.name == 'blockguide' then
      return client
    end
  end
end

-- Document this block: list the action, resolve it (the guide is drafted then) and apply its edit; a
-- client without resolve gets a command, which the server runs and applies through workspace/applyEdit.
-- opts: { bufnr, range = {first, last} (1-based lines), on_done = function(err, result) }
function M.document_block(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local function done(err, result)
    if opts.on_done then
      return opts.on_done(err, result)
    end
    if err then
      vim.notify('blockguide: ' .. (type(err) == 'table' and (err.message or vim.inspect(err)) or err),
        vim.log.levels.WARN)
    end
  end
  local client = M.client(bufnr)
  if not client then
    return done('the blockguide server is not running for this buffer')
  end
  local range
  if opts.range then
    range = { start = { line = opts.range[1] - 1, character = 0 }, ['end'] = { line = opts.range[2], character = 0 } }
  else
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local text = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ''
    col = math.max(col, #text:match('^%s*')) -- on the indentation: the definition that starts on this line
    local _, units = vim.str_utfindex(text, math.min(col, #text))
    local pos = { line = row - 1, character = units }
    range = { start = pos, ['end'] = pos }
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = range,
    context = { diagnostics = {}, only = { 'refactor.rewrite.blockguide' } },
  }
  local function run(action)
    if type(action.command) == 'string' then -- a bare Command
      return client.request('workspace/executeCommand', action, function(err, result) done(err, result) end, bufnr)
    end
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    end
    if type(action.command) == 'table' then
      return client.request('workspace/executeCommand', action.command, function(err, result) done(err, result) end,
        bufnr)
    end
    if not action.edit then
      return done('nothing was changed (see the message from blockguide)')
    end
    done(nil, action)
  end
  client.request('textDocument/codeAction', params, function(err, actions)
    if err then
      return done(err)
    end
    local action
    for _, a in ipairs(actions or {}) do
      if a.title == DOCUMENT then
        action = a
      end
    end
    if not action then
      return done('no block to document here')
    end
    if action.edit or action.command then
      return run(action)
    end
    client.request('codeAction/resolve', action, function(rerr, resolved)
      if rerr then
        return done(rerr)
      end
      run(resolved)
    end, bufnr)
  end, bufnr)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  vim.api.nvim_create_autocmd('FileType', {
    pattern = M.config.filetypes,
    group = vim.api.nvim_create_augroup('blockguide', { clear = true }),
    callback = function(args)
      M.start(args.buf)
    end,
  })
  vim.api.nvim_create_user_command('BlockguideDocument', function(c)
    M.document_block({ range = c.range > 0 and { c.line1, c.line2 } or nil })
  end, { range = true, desc = 'blockguide: document this block' })
  return M
end

return M
