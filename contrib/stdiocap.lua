-- stdiocap.lua - Wireshark/tshark dissector for stdiocap captures.
-- SPDX-License-Identifier: MIT
--
-- A stdiocap capture (doc/capture-format.md §3, §4) holds one forged
-- Ethernet/IPv4/UDP frame per event of a wrapped process: the full PID
-- in the IPv4 source address 10.A.B.C, the PID of the process that ran
-- it in the IPv4 destination (§3.3), the event in the UDP
-- destination port (0 stdin, 1 stdout, 2 stderr, 3 execve, 4 exit).
-- Fields:
--   stdiocap.pid        the full PID (from the IPv4 source)
--   stdiocap.ppid       who ran it (the IPv4 destination; 0: none, PID 1)
--   stdiocap.event      "stdin" "stdout" "stderr" "execve" "exit"
--   stdiocap.data       the bytes of a stdin/stdout/stderr record
--   stdiocap.text       the same, C-escaped
--   stdiocap.argv       one per argument (in an "argv" subtree)
--   stdiocap.env        one per environment string ("envp" subtree)
--   stdiocap.continued  this execve record continues the previous one's
--   stdiocap.continues  ... and this one goes on in the next record
--   stdiocap.status     the raw wait status of an exit record
--   stdiocap.exit_code  or stdiocap.signal + stdiocap.core (bool)
--
-- Install: copy to ~/.local/lib/wireshark/plugins/ (Wireshark 4.x), or
-- load for one run: tshark -X lua_script:stdiocap.lua -r FILE ...
--
-- How frames are claimed. A frame is ours when its addresses are the
-- fixed MAC addresses stdiocap forges (Ethernet 02:53:54:44:49:4f ->
-- 02:43:41:50:00:00) and its IPv4 addresses are in 10.0.0.0/8 (source
-- 10.x.x.x the PID, destination 10.y.y.y the parent's PID,
-- doc/capture-format.md §3.3): ports alone prove nothing. The catch is
-- Wireshark's UDP dispatch: it tries
-- the lower port's dissector first, then the higher one, then the
-- heuristics, and it never tries port 0. So
--   * dport 1..4 (stdout, stderr, execve, exit): the lower port is the
--     event port (or, for PIDs 1-3 mod 65536, the source port, also in
--     1..4), so we register on udp.port 1-4 (nothing else does in 4.0);
--     a frame that is not ours is handed to what was there, or refused.
--   * dport 0 (stdin): UDP skips port 0 and tries the source port, the
--     PID & 0xffff: a PID of 53 or 123 would go to DNS or NTP. The
--     execve record of every process comes before its stdin
--     (doc/capture-format.md §6.1),
--     so when we see one for a PID whose port has a dissector, we take
--     that port over for the rest of the file (init() gives it back),
--     passing frames that are not ours on to the old dissector.
--   * everything else that reaches UDP's heuristics: our heuristic.
-- Rejected alternative: replacing UDP in the ip.proto table by a wrapper
-- that calls UDP for other frames. It works in tshark 4.0, but the
-- wrapper then appears as a protocol layer of every UDP packet of every
-- capture (frame.protocols "ip:wrapper:udp:dns", Protocol Hierarchy),
-- and disabling it in Enabled Protocols would turn all UDP into data.
-- An explicit "Decode As ... data" (-d udp.port==1-65535,data) wins
-- over this dissector, as it should.
--
-- An execve blob (argv\0...\0\0env\0...\0\0) over 8192 bytes is split
-- over consecutive records. Each record shows the items it holds;
-- "continued" marks a record (or item) that carries on from the previous
-- record, "continues" one cut at the record's end. Which part (argv or
-- env) a record starts in is learnt in the first, in-order pass.

local stdiocap = Proto("stdiocap", "stdiocap captured process I/O")

local EVENTS = { [0] = "stdin", "stdout", "stderr", "execve", "exit" }
-- Linux generic signal numbers (x86, ARM, s390x...)
local SIGNALS = {
	"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
	"SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
	"SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
	"SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
}

local f = stdiocap.fields
f.pid = ProtoField.uint32("stdiocap.pid", "PID", base.DEC)
f.ppid = ProtoField.uint32("stdiocap.ppid", "Parent PID (who ran it; 0: none, PID 1)", base.DEC)
f.event = ProtoField.string("stdiocap.event", "Event")
f.data = ProtoField.bytes("stdiocap.data", "Data")
f.text = ProtoField.string("stdiocap.text", "Text")
f.argv = ProtoField.string("stdiocap.argv", "argv")
f.env = ProtoField.string("stdiocap.env", "env")
f.continued = ProtoField.bool("stdiocap.continued", "Continues the previous record's execve data")
f.continues = ProtoField.bool("stdiocap.continues", "Continues in the next record")
f.status = ProtoField.uint32("stdiocap.status", "Wait status", base.HEX)
f.exit_code = ProtoField.uint8("stdiocap.exit_code", "Exit code", base.DEC)
f.signal = ProtoField.uint8("stdiocap.signal", "Killed by signal", base.DEC, SIGNALS)
f.core = ProtoField.bool("stdiocap.core", "Core dumped")
-- doc/capture-format.md §3.5: the IPv4 identification numbers a
-- process's records; a gap is records lost on the way to a collector
f.seq = ProtoField.uint16("stdiocap.seq", "Sequence number (of this process's records)", base.DEC)

local e_malformed = ProtoExpert.new("stdiocap.malformed", "Malformed stdiocap record",
	expert.group.MALFORMED, expert.severity.ERROR)
stdiocap.experts = { e_malformed }

local eth_src = Field.new("eth.src")
local eth_dst = Field.new("eth.dst")
local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")
local ip_id = Field.new("ip.id")

local udp_port = DissectorTable.get("udp.port")
local hooked = {}	-- source port -> dissector it had (false: none)
local blob_at = {}	-- pid -> parse state of its execve blob so far
local frame_at = {}	-- frame number -> state its execve record starts in

-- The last (innermost) value of a field in this frame.
local function last(field)
	local all = { field() }
	return all[#all]
end

-- The PID and parent PID if this frame carries stdiocap's fixed MAC
-- addresses and 10/8 IPv4 addresses, else nil.
local function stdiocap_pid(pinfo)
	local es, ed, is, id = last(eth_src), last(eth_dst), last(ip_src), last(ip_dst)
	if not (es and ed and is and id) then return nil end
	if tostring(es.range:bytes()):lower() ~= "02535444494f" or
	   tostring(ed.range:bytes()):lower() ~= "024341500000" then
		return nil
	end
	local src, dst = is.range:uint(), id.range:uint()
	if bit32.rshift(src, 24) ~= 10 or bit32.rshift(dst, 24) ~= 10 or
	   pinfo.dst_port > 4 then
		return nil
	end
	return bit32.band(src, 0xffffff), bit32.band(dst, 0xffffff)
end

-- Printable text: C-style escapes for everything but printable ASCII.
local function escape(s)
	s = s:gsub("\\", "\\\\")
	return (s:gsub("[^ -~]", function(c)
		local b = c:byte()
		if b == 10 then return "\\n" elseif b == 9 then return "\\t"
		elseif b == 13 then return "\\r" end
		return string.format("\\x%02x", b)
	end))
end

local function status_text(st)
	local sig = bit32.band(st, 0x7f)
	if sig == 0 then return "exit " .. bit32.band(bit32.rshift(st, 8), 0xff) end
	local s = "killed by " .. (SIGNALS[sig] or ("signal " .. sig))
	if bit32.band(st, 0x80) ~= 0 then s = s .. " (core dumped)" end
	return s
end

-- Where argv ends (just past its terminator) in a whole blob: an empty
-- argument cannot be told from the terminator (doc/capture-format.md
-- §5), so, as
-- tests/pcapcheck.py and stdiocap --ps do, the split is the last empty
-- item whose later items all hold '=', else the first empty item.
local function whole_blob_split(raw)
	local first, last, last_ok
	local pos = 1
	local body = raw:sub(1, -3)	-- without the last item's NUL and the terminator
	while pos <= #body + 1 do
		local z = body:find("\0", pos, true) or #body + 1
		local item = body:sub(pos, z - 1)
		if item == "" then
			first = first or z
			last, last_ok = z, true
		elseif not item:find("=", 1, true) then
			last_ok = false
		end
		pos = z + 1
	end
	return (last_ok and last) or first
end

-- The execve record's items, given the state its blob was in before it
-- (part 0 argv, 1 env; mid: the previous record ended inside an item;
-- split: where argv ends, for a record holding a whole blob).
local function execve_items(tvb, tree, state)
	local part, mid = state.part, state.mid
	local pos, len = 0, tvb:len()
	local raw = tvb():raw()
	local shown = {}
	-- the items go into an "argv" and an "envp" subtree, made when needed
	local subs, count = {}, { [0] = 0, 0 }
	local function add(which, range, s)
		if not subs[which] then
			subs[which] = tree:add(tvb(), which == 0 and "argv" or "envp")
		end
		count[which] = count[which] + 1
		return subs[which]:add(which == 0 and f.argv or f.env, range, s)
	end
	while pos < len do
		local z = (raw:find("\0", pos + 1, true) or len + 1) - 1
		local n = z - pos
		if state.split then
			-- a whole blob: argv before the split, env after it, the
			-- terminators (at split - 1 and at the end) skipped
			if z + 1 ~= state.split and z + 1 ~= len then
				local s = n > 0 and tvb(pos, n):string() or ""
				add(z < state.split and 0 or 1, tvb(pos, n), s)
				if z < state.split and #shown < 8 then shown[#shown + 1] = escape(s) end
			end
		elseif n == 0 and not mid then
			-- an empty item: the end of argv, then of env (an empty
			-- argument cannot be told apart from it:
			-- doc/capture-format.md §5)
			part = 1
		else
			local s = n > 0 and tvb(pos, n):string() or ""
			local item = add(part, tvb(pos, n), s)
			if mid then item:append_text(" (continued)") end
			if z == len then
				item:append_text(" (continues in the next record)")
				tree:add(f.continues, true):set_generated()
			end
			if part == 0 and #shown < 8 then shown[#shown + 1] = escape(s) end
		end
		mid = false
		pos = z + 1
	end
	for which, sub in pairs(subs) do
		sub:append_text(" (" .. count[which] .. " item" .. (count[which] == 1 and "" or "s") ..
			(state.continued and ", continued" or "") .. ")")
	end
	return table.concat(shown, " ")
end

-- Steps the per-PID blob state over this record's bytes (first pass).
local function blob_step(st, tvb)
	local raw = tvb():raw()
	local pos = 1
	while true do
		local z = raw:find("\0", pos, true)
		if not z then break end
		-- an item ends at z: empty if no byte since the last NUL
		st.empty = z == pos and st.nul
		if st.empty and st.terms < 2 then st.terms = st.terms + 1 end
		st.nul = true
		pos = z + 1
	end
	if pos <= #raw then st.nul, st.empty = false, false end
	st.part = st.terms > 0 and 1 or 0
	st.mid = #raw > 0 and not st.nul
	st.done = st.terms == 2 and st.empty
end

local function dissect(tvb, pinfo, tree, pid, ppid)
	local event = pinfo.dst_port
	local name = EVENTS[event]
	local len = tvb:len()
	pinfo.cols.protocol = "STDIOCAP"
	local t = tree:add(stdiocap, tvb(), "stdiocap, pid " .. pid .. ", " .. name)
	t:add(f.pid, pid):set_generated()
	t:add(f.ppid, ppid):set_generated()
	t:add(f.event, name):set_generated()
	local id = last(ip_id)
	if id then t:add(f.seq, id.value):set_generated() end
	local info = "pid " .. pid .. " " .. name

	if event <= 2 then
		if len > 0 then
			t:add(f.data, tvb())
			local text = escape(tvb():raw())
			t:add(f.text, tvb(), text)
			info = info .. " " .. len .. " bytes: " .. (#text > 60 and text:sub(1, 60) .. "..." or text)
		end
	elseif event == 3 then
		local start = frame_at[pinfo.number]
		if not start then
			-- first pass: a new blob unless the PID's previous record
			-- was an execve record of an unfinished blob
			local st = blob_at[pid]
			if not st or st.done or st.last ~= 3 then
				st = { terms = 0, nul = true, empty = false, part = 0, mid = false }
				blob_at[pid] = st
				start = { part = 0, mid = false, continued = false }
			else
				start = { part = st.part, mid = st.mid, continued = true }
			end
			blob_step(st, tvb)
			if not start.continued and st.done then
				start.split = whole_blob_split(tvb():raw())
			end
			st.last = 3
			frame_at[pinfo.number] = start
		end
		if start.continued then
			t:add(f.continued, true):set_generated()
			info = info .. " (continued)"
		end
		local argv = execve_items(tvb, t, start)
		if argv ~= "" then info = info .. " " .. argv end
		-- a PID whose port has a dissector: its stdin (dport 0) would
		-- go there; take the port over (see the top of this file)
		local port = pinfo.src_port
		if hooked[port] == nil then
			local old = udp_port:get_dissector(port)
			if old and tostring(old) ~= "Data" and port > 4 then
				hooked[port] = old
				udp_port:add(port, stdiocap)
			else
				hooked[port] = false
			end
		end
	elseif event == 4 then
		if len ~= 4 then
			t:add_proto_expert_info(e_malformed, "exit record of " .. len .. " bytes, not 4")
		else
			local st = tvb(0, 4):uint()
			t:add(f.status, tvb(0, 4))
			local sig = bit32.band(st, 0x7f)
			if sig == 0 then
				t:add(f.exit_code, tvb(2, 1))
			else
				t:add(f.signal, tvb(3, 1), sig)
				t:add(f.core, tvb(3, 1), bit32.band(st, 0x80) ~= 0)
			end
			info = "pid " .. pid .. " " .. status_text(st)
		end
	end
	if not pinfo.visited and event ~= 3 then
		local st = blob_at[pid]
		if st then st.last = event end
	end
	pinfo.cols.info = info
	return len
end

-- On udp.port 1-4 and on hooked PID ports.
function stdiocap.dissector(tvb, pinfo, tree)
	local pid, ppid = stdiocap_pid(pinfo)
	if pid then return dissect(tvb, pinfo, tree, pid, ppid) end
	local old = hooked[pinfo.match_uint]
	if old then return old:call(tvb, pinfo, tree) end
	return 0
end

local function heuristic(tvb, pinfo, tree)
	local pid, ppid = stdiocap_pid(pinfo)
	if not pid then return false end
	dissect(tvb, pinfo, tree, pid, ppid)
	return true
end

function stdiocap.init()
	for port, old in pairs(hooked) do
		if old then udp_port:add(port, old) end
	end
	hooked, blob_at, frame_at = {}, {}, {}
end

for port = 1, 4 do udp_port:add(port, stdiocap) end
stdiocap:register_heuristic("udp", heuristic)
