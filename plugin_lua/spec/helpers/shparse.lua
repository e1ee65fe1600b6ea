--[[
shparse.lua — split a macOS command line built by Shell.lua back into argv and redirections.
Accepts only what Shell.quoteMac produces: single-quoted words ('\'' for a quote), the
redirection operators `>`, `2>`, `<` and the bare word /dev/null. Anything else is an error,
so a spec fails if Shell.lua ever emits an unquoted word.
]]

return function(line)
  local argv, redirects, i, pendingOp = {}, {}, 1, nil
  while i <= #line do
    local c = line:sub(i, i)
    if c == ' ' then
      i = i + 1
    elseif c == "'" then
      local parts = {}
      while line:sub(i, i) == "'" do
        local j = line:find("'", i + 1, true)
        assert(j, 'unterminated quote in ' .. line)
        parts[#parts + 1] = line:sub(i + 1, j - 1)
        i = j + 1
        if line:sub(i, i + 1) == "\\'" then parts[#parts + 1] = "'"; i = i + 2 end
      end
      local word = table.concat(parts)
      if pendingOp then redirects[pendingOp] = word; pendingOp = nil else argv[#argv + 1] = word end
    else
      local word = line:match('^%S+', i)
      if word == '>' or word == '2>' or word == '<' then pendingOp = word
      elseif word == '/dev/null' and pendingOp == '<' then redirects['<'] = word; pendingOp = nil
      else error('unquoted word ' .. word .. ' in ' .. line) end
      i = i + #word
    end
  end
  return argv, redirects
end
