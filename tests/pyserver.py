"""pyserver: runs the tests' Python scripts in forks of one interpreter that has imported NumPy,
SciPy, gensim, scikit-learn and NLTK once, so that a script starts in milliseconds instead of the
second or more those imports take (the tests start Python a few hundred times).

    python3 pyserver.py [--with MODULE] SOCKET   serve on the Unix socket SOCKET until killed
                                    (tests/run), MODULE imported too
    python3 pyserver.py --client [PYTHON ARGS]   what tests/py runs: one script through the server

tests/run starts a second server --with torch for the parity tests' references (tests/py-torch),
whose import takes two to four seconds on a loaded machine: importing torch starts no thread (its
pools start on first use), so the forks are safe, but the server is twice the size, and each
fork of it costs a third more, so the other scripts go to the first.

A client sends its standard input, output and error, its arguments, working directory and
environment; the server forks, and the child runs the script as `python3 ARGS` would in a fresh
process (`-` reads the program from stdin, `-c CODE`, or a script's path; anything else, or no
server, runs the real python3) and reports its exit status, which the client exits with. A client
that goes away (a timeout) kills its child."""
import os
import socket
import struct
import sys

PYTHON = "/usr/bin/python3"


def real_python(args):
    os.execv(PYTHON, [PYTHON] + args)


def client(args):
    addr = os.environ.get("NLP_PYSERVER")
    if not addr or not args or not (args[0] == "-" or args[0] == "-c" and len(args) > 1
                                     or not args[0].startswith("-")):
        real_python(args)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(addr)
    except OSError:
        real_python(args)
    msg = repr((args, os.getcwd(), dict(os.environ))).encode("utf-8", "backslashreplace")
    socket.send_fds(s, [struct.pack("<Q", len(msg))], [0, 1, 2])
    s.sendall(msg)
    reply = b""
    while True:
        b = s.recv(64)
        if not b:
            break
        reply += b
    if not reply:
        sys.stderr.write("pyserver: no exit status for python3 %s\n" % " ".join(args))
        os._exit(70)
    code = int(reply)
    if code < 0:
        import signal
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code)


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        b = conn.recv(n - len(buf))
        if not b:
            raise EOFError
        buf += b
    return buf


def run_child(args, cwd, env, base_path):
    """In the forked child, with fds 0, 1 and 2 already the client's: runs the script and returns
    the exit status a fresh python3 would have."""
    import io
    import traceback
    import types
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    enc, errs = sys.stdout.encoding, sys.stdout.errors

    def text(fd, mode):
        raw = io.FileIO(fd, mode, closefd=False)
        tty = raw.isatty()
        if mode == "r":
            return io.TextIOWrapper(io.BufferedReader(raw), encoding=enc, errors=errs)
        if fd == 2:
            return io.TextIOWrapper(io.BufferedWriter(raw), encoding=enc, errors="backslashreplace",
                                    line_buffering=True)
        return io.TextIOWrapper(io.BufferedWriter(raw), encoding=enc, errors=errs, line_buffering=tty)

    sys.stdin, sys.stdout, sys.stderr = text(0, "r"), text(1, "w"), text(2, "w")
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    # a fresh process seeds the global generators from the system: so does each child
    if "random" in sys.modules:
        sys.modules["random"].seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if args[0] == "-":
        name, src, first = "<stdin>", sys.stdin.buffer.read(), ""
        sys.argv = args
    elif args[0] == "-c":
        name, src, first = "<string>", args[1], ""
        sys.argv = ["-c"] + args[2:]
    else:
        name = args[0]
        with open(name, "rb") as f:
            src = f.read()
        first = os.path.dirname(os.path.realpath(name))
        sys.argv = args
    extra = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [first] + extra + base_path
    main = types.ModuleType("__main__")
    main.__dict__.update(__builtins__=__builtins__, __annotations__={}, __spec__=None)
    if args[0] != "-c":
        main.__file__ = name if args[0] == "-" else os.path.abspath(name)
        main.__cached__ = None
    sys.modules["__main__"] = main
    code = 0
    try:
        exec(compile(src, name, "exec"), main.__dict__)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 0xFF
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:  # as python3 prints it: without this file's frame
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        code = 1
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except BrokenPipeError:
            code = 120
        except BaseException:
            pass
    return code


def serve(path, extra):
    import ast
    import signal
    import threading
    for m in ("numpy", "scipy.sparse", "scipy.io", "scipy.stats", "gensim.models",
              "sklearn.feature_extraction.text", "nltk.tokenize", "unicodedata", "json", "re",
              "random", "struct", "logging", "subprocess", "collections", "traceback", "io",
              *extra):
        try:
            __import__(m)
        except Exception:
            pass
    # the modules of the tests' own directories are found again by each script
    base_path = [p for p in sys.path[1:] if p not in os.environ.get("PYTHONPATH", "").split(":")]
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".new")
    srv.listen(64)
    os.rename(path + ".new", path)

    def watch(conn, pid):
        def gone():  # the client went away: its script goes too
            try:
                conn.recv(1)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        threading.Thread(target=gone, daemon=True).start()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        try:
            conn.sendall(b"%d" % code)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        conn.close()

    while True:
        conn, _ = srv.accept()
        try:
            head, fds, _, _ = socket.recv_fds(conn, 8, 3)
            if len(fds) != 3:
                raise EOFError
            n, = struct.unpack("<Q", head + recv_exact(conn, 8 - len(head)))
            args, cwd, env = ast.literal_eval(recv_exact(conn, n).decode("utf-8"))
        except Exception:
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                srv.close()
                conn.close()
                for i, fd in enumerate(fds):
                    os.dup2(fd, i)
                    os.close(fd)
                code = run_child(args, cwd, env, base_path)
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        threading.Thread(target=watch, args=(conn, pid), daemon=True).start()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        client(sys.argv[2:])
    elif sys.argv[1:2] == ["--with"]:
        serve(sys.argv[3], [sys.argv[2]])
    else:
        serve(sys.argv[1], [])
