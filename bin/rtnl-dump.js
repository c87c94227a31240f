#!/usr/bin/env node
// rtnl-dump: see docs/cli.md. Exit codes: 0 ok, 1 runtime error, 2 bad usage.
// process.getBuiltinModule (Node >= 20.16), not an ES module import of node:fs:
// that import makes Node build fs's ES module facade, whose lazy getters load
// the fs streams (a few ms of every start; scripts/bundle.mjs does the same).
// stdout is written by the CLI itself (src/cli/main.ts, fdLineWriter: EPIPE
// from `rtnl-dump ... | head` is not an error); process.stdout is not
// touched here: creating it loads Node's stream modules (start-up).
// CommonJS (bin/package.json): a CommonJS main module starts without Node's ES
// module loader (~2-3 ms); import() still loads dist/src/ when there is no script.
const fs = process.getBuiltinModule('node:fs');

function fail(e) {
  console.error(`rtnl-dump: ${e && e.message ? e.message : e}`);
  process.exitCode = 1;
}

// The CLI as one script (dist/bundle/rtnl-dump.cli.js, scripts/bundle.mjs),
// run with a V8 code cache made after a run (docs/design.md, "The CLI
// script"): no ES module loader work per chunk, and the functions a command
// calls come compiled from the cache. That script holds the rtnetlink
// commands; its first line names the commands it leaves to
// rtnl-dump-full.cli.js (generic netlink, captures: ~40% of the code, which
// `rtnl-dump link` then does not read), which holds every command. A tree
// built by tsc alone has no dist/bundle/: then the modules of dist/src/ run
// (the same program, slower to start). Never two of them in one process: each
// holds its own copy of every class.
const { join } = process.getBuiltinModule('node:path');
let scriptPath = join(__dirname, '../dist/bundle/rtnl-dump.cli.js');
let source;
try {
  source = readScript();
} catch {
  source = undefined;
}
if (source === undefined) {
  const module = process.getBuiltinModule('node:module');
  try {
    module.enableCompileCache?.();
  } catch {
    /* no cache: start as without it */
  }
  import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).then((code) => void (process.exitCode = code), fail);
} else {
  const vm = process.getBuiltinModule('node:vm');
  const cache = codeCache(source, process.argv[2]);
  let compiled;
  let run;
  try {
    compiled = new vm.Script(source, { filename: scriptPath, cachedData: cache.data });
    const url = process.getBuiltinModule('node:url').pathToFileURL(scriptPath);
    run = compiled.runInThisContext()(process.getBuiltinModule('node:module').createRequire(url), url.href).main(process.argv.slice(2));
  } catch (e) {
    run = Promise.reject(e);
  }
  run.then((code) => {
    process.exitCode = code;
    // no cache yet for this command, or V8 refused it (another Node or V8 flags): write one now,
    // holding what this run compiled (not after bad usage: `rtnl-dump typo` makes no file)
    if (code !== 2 && (cache.data === undefined || compiled.cachedDataRejected)) cache.save(() => compiled.createCachedData());
  }, fail);
}

/**
 * The source of the script that runs this command: rtnl-dump.cli.js, or
 * rtnl-dump-full.cli.js (scriptPath is set to it) when the first line of
 * rtnl-dump.cli.js names the command, read with that line only. ASCII (the
 * build checks): one byte per character.
 */
function readScript() {
  const fd = fs.openSync(scriptPath, 'r');
  try {
    const head = Buffer.allocUnsafe(512);
    const line = head.latin1Slice(0, fs.readSync(fd, head, 0, 512, 0)); // at a position: the file's offset stays at 0
    const full = /^\/\/ rtnl-dump [0-9a-f]{64} full [0-9a-f]{64} ([a-z0-9,-]+) /.exec(line);
    if (full !== null && full[1].split(',').includes(process.argv[2])) {
      scriptPath = join(__dirname, '../dist/bundle/rtnl-dump-full.cli.js');
      return fs.readFileSync(scriptPath, 'latin1');
    }
    return fs.readFileSync(fd, 'latin1');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The code cache of the CLI script for one command (`link`, `addr`, ...: each
 * command calls other functions, and a cache holds those a run compiled), in
 * $XDG_CACHE_HOME/rtnetlink or ~/.cache/rtnetlink, when that directory (or,
 * before it exists, the nearest of its parents) belongs to this user. A file is used only if it
 * is a regular file owned by this user and writable by no one else (a code
 * cache is compiled code: rtnl-dump often runs as root), and only for the
 * script, Node and architecture it was made for: its first line names them
 * and the script's sha256. NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch)
 * turns it off. Any failure just means no cache. V8 does not verify a code
 * cache's bytes (only its version, flags and the source's length): a file
 * damaged on disk can crash the process (delete ~/.cache/rtnetlink).
 */
function codeCache(source, command) {
  const none = { data: undefined, save() {} };
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return none;
  const head = /^\/\/ rtnl-dump ([0-9a-f]{64}) (?:(?:full|rtnl) ([0-9a-f]{64}) )?/.exec(source);
  if (head === null) return none;
  const sha = head[1];
  // this build's scripts (the other one's sha256 is on the first line too): their caches stay
  const builds = [sha, head[2]].filter(Boolean).map((s) => `rtnl-dump-${s.slice(0, 16)}-`);
  const { join, dirname } = process.getBuiltinModule('node:path');
  const uid = process.geteuid?.() ?? -1;
  let dir;
  try {
    const base = process.env.XDG_CACHE_HOME || join(process.getBuiltinModule('node:os').homedir(), '.cache');
    dir = join(base, 'rtnetlink');
    // only in a directory of this user's: `sudo -E rtnl-dump` (or a sudo that keeps HOME) must
    // not leave root's files in a user's home, where that user could not remove them. The
    // nearest existing one of rtnetlink/, the cache base, its parent must be this user's.
    let owner;
    for (const d of [dir, base, dirname(base)]) {
      try {
        owner = fs.statSync(d).uid;
        break;
      } catch {
        /* not there: look at its parent */
      }
    }
    if (owner !== uid) return none;
  } catch {
    return none;
  }
  const name = typeof command === 'string' && /^[a-z][a-z0-9-]{0,23}$/.test(command) ? command : 'other';
  // the header names the script, Node and architecture, and the length of V8's data: a file
  // cut short is not used (V8 does not check its code caches in release builds: the file is
  // written to a temporary name and renamed, so a reader sees a whole file or none)
  const prefix = `rtnl-dump code cache 1 ${sha} ${process.version} ${process.arch} `;
  const file = join(dir, `rtnl-dump-${sha.slice(0, 16)}-${process.version}-${process.arch}-${name}.bin`);
  let data;
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.uid === uid && (st.mode & 0o022) === 0 && st.size > prefix.length) {
      const buf = Buffer.allocUnsafe(st.size);
      const nl = fs.readSync(fd, buf, 0, st.size, 0) === st.size ? buf.indexOf(10, prefix.length) : -1;
      if (nl > 0 && buf.latin1Slice(0, prefix.length) === prefix && buf.latin1Slice(prefix.length, nl) === String(st.size - nl - 1)) data = buf.subarray(nl + 1);
    }
  } catch {
    /* none yet */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return {
    data,
    save(make) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const v8data = make();
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${prefix}${v8data.length}\n`, 'latin1'), v8data]), { flag: 'wx', mode: 0o600 });
        fs.renameSync(tmp, file);
        // the caches of other builds of the script (an older or newer rtnetlink) go: a new
        // build makes new files, which would otherwise pile up with every upgrade
        for (const f of fs.readdirSync(dir)) {
          if (/^rtnl-dump-[0-9a-f]{16}-.*\.bin$/.test(f) && !builds.some((b) => f.startsWith(b))) fs.unlinkSync(join(dir, f));
        }
      } catch {
        try {
          fs.unlinkSync(tmp);
        } catch {
          /* not written */
        }
      }
    },
  };
}
