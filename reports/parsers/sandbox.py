"""Untrusted files parsed in a forked child process, within CPU-time, memory and wall-clock limits.

The readers hold a file to what a report needs (pages, inflated sizes, table lines); this is the
backstop for whatever else a parser may do with a hostile file. For each file the child gets
CPU_SECONDS of processor time (RLIMIT_CPU) and MEMORY_BYTES of address space beyond what it
already has (RLIMIT_AS counts what is reserved as well as what is used, hence relative), and
the parent waits at most DEADLINE seconds for the result before it kills the child. Whatever
ends the child becomes that file's ParseError, the files after it go to a new child, and the
caller goes on.

Files go to the child through a pipe, a few at a time, and each result comes back pickled as
soon as it is done. A child parses all the files of one call; in an import's parsing processes
(keep_children) it is kept from one call to the next: a fork costs as much as parsing a few
reports.

A fork starts at once, with everything imported. The child never touches the parent's database
connection: it ends with os._exit, which closes the inherited sockets without a word to the
server and runs none of the parent's cleanup. It leads a process group of its own, so that
killing it also ends what it started (LibreOffice). The limits bound resources, not
privileges: the child is the same user.
"""
import gc
import logging
import math
import multiprocessing.util
import os
import pickle
import resource
import select
import signal
import struct
import time

from reports.parsers import ParseError, parse_bytes

logger = logging.getLogger(__name__)
CPU_SECONDS = 20
MEMORY_BYTES = 1024**3
DEADLINE = 25  # seconds of waiting for one file: a child that sleeps or waits uses no CPU time

TOO_SLOW = "文件过于复杂，解析超出时间限制（{} 秒），已停止；请确认文件是否为年度报告，或在原软件中另存后再上传。"
TOO_LARGE = "文件过于复杂，解析超出内存限制（{} MB），已停止；请确认文件是否为年度报告，或在原软件中另存后再上传。"
CRASHED = "解析该文件时出错，已停止；请在原软件中打开后重新保存再上传。"
OUT_OF_MEMORY = 3  # the child's exit status after a MemoryError
HEADER = struct.Struct("<Q")  # the length of the pickle that follows
GROUP = 8  # files sent at a time: the child parses the next while the parent reads a result

_keep = False  # set in an import's parsing processes
_kept = None  # there, their child while it waits for the next call


def keep_children():
    """For a process that parses one batch of files after another (a pool's initializer): keep
    its child between them, and end it when the process ends."""
    global _keep
    _keep = True
    multiprocessing.util.Finalize(None, _end_kept, exitpriority=0)


def _end_kept():
    if _kept is not None:
        _kept.end()


def parse_untrusted(data, filename):
    """What parse_bytes(data, filename) gives, parsed in a child process within the limits."""
    [result] = parse_each([(filename, data)])
    if isinstance(result, ParseError):
        raise result
    return result


def parse_each(files):
    """A ReportShape or ParseError for each (filename, bytes or the ParseError of reading it),
    in order."""
    global _kept
    files = list(files)
    results = [content if isinstance(content, ParseError) else None for _, content in files]
    todo = [i for i, result in enumerate(results) if result is None]
    child, _kept = _kept, None
    try:
        while todo:
            if child is not None and not child.waiting():  # a kept child that ended meanwhile
                child.end()
                child = None
            child = child or _Child()
            group = [files[i] for i in todo[:GROUP]]
            parsed = child.parse(group)
            for i, result in zip(todo, parsed):
                results[i] = result
            del todo[: len(parsed)]
            if len(parsed) < len(group):  # the child ended on this file
                results[todo.pop(0)] = ParseError(child.end())
                child = None
    finally:
        if child is not None and _keep:
            _kept = child
        elif child is not None:
            child.end()
    return results


class _Child:
    """A forked process that parses the files sent to it, each within the limits."""

    def __init__(self):
        requests, self.requests = os.pipe()
        self.results, results = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            for fd in (requests, self.requests, self.results, results):
                os.close(fd)
            raise
        if self.pid == 0:
            os.close(self.requests)
            os.close(self.results)
            _serve(requests, results)
        os.close(requests)
        os.close(results)
        try:
            os.setpgid(self.pid, self.pid)  # as the child does itself: whichever runs first
        except OSError:
            pass  # it already has, or has already ended
        self.late, self.status = False, None

    def waiting(self):
        """Whether the child is still there, waiting for files."""
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = status
        return not pid

    def parse(self, files):
        """The results of `files`, as the child sends them: fewer if it ended or ran late."""
        message = _message(files)
        try:
            while message:
                message = message[os.write(self.requests, message) :]
        except BrokenPipeError:
            return []
        results = []
        for _ in files:
            result, self.late = _receive(self.results)
            if result is None:
                break
            results.append(result)
        return results

    def end(self):
        """End the child (and whatever it started); why it ended, should it have ended early."""
        os.close(self.requests)
        os.close(self.results)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.status is None:
            _, self.status = os.waitpid(self.pid, 0)
        return _reason(self.status, self.late)


def _message(value):
    payload = pickle.dumps(value)
    return memoryview(HEADER.pack(len(payload)) + payload)


def _receive(fd):
    """(result or None, late): the next result, unless the child ends or is not done in time."""
    buffer, size = bytearray(), None
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + DEADLINE
    while size is None or len(buffer) < HEADER.size + size:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            return None, True
        # Never past this result: the child may already be writing the next.
        chunk = os.read(fd, HEADER.size - len(buffer) if size is None else HEADER.size + size - len(buffer))
        if not chunk:
            return None, False
        buffer += chunk
        if size is None and len(buffer) == HEADER.size:
            [size] = HEADER.unpack(buffer)
    return pickle.loads(buffer[HEADER.size :]), False


def _reason(status, late):
    signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if late or signum == signal.SIGALRM:
        return TOO_SLOW.format(DEADLINE)
    if signum == signal.SIGXCPU:
        return TOO_SLOW.format(CPU_SECONDS)
    # SIGKILL that the parent did not send comes from the kernel running out of memory.
    if signum == signal.SIGKILL or os.WIFEXITED(status) and os.WEXITSTATUS(status) == OUT_OF_MEMORY:
        return TOO_LARGE.format(MEMORY_BYTES // 1024 // 1024)
    return CRASHED


def _serve(requests, results):
    """The child: parse each file the parent sends and send back its result; never returns."""
    status = 1
    try:
        os.setpgid(0, 0)
        # Objects inherited are never collected here: the collector need not visit (and so copy)
        # them.
        gc.freeze()
        # As the kernel intends: a signal the parent blocks or handles would spare the child.
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        for signum in (signal.SIGXCPU, signal.SIGALRM):
            signal.signal(signum, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would dump a core
        with os.fdopen(requests, "rb") as incoming, os.fdopen(results, "wb") as out:
            while header := incoming.read(HEADER.size):
                [size] = HEADER.unpack(header)
                for name, data in pickle.loads(incoming.read(size)):
                    out.write(_message(_parse(name, data)))
                    out.flush()
        status = 0
    finally:
        os._exit(status)


def _parse(name, data):
    _limit()
    try:
        return parse_bytes(data, name)
    except Exception as exc:
        if _out_of_memory(exc):
            # What the failed allocations left behind is no budget for the next file: a new
            # child parses it.
            os._exit(OUT_OF_MEMORY)
        if isinstance(exc, ParseError):
            return exc
        logger.exception("parsing %s failed", name)
        return ParseError(CRASHED)
    finally:
        signal.alarm(0)  # a child kept waiting for the next file must not end meanwhile


def _out_of_memory(exc):
    """Whether `exc` comes of a failed allocation, however the readers wrapped it."""
    while exc is not None:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _limit():
    """This file's budgets, beyond what the child has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _set_soft(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime) + CPU_SECONDS)
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    _set_soft(resource.RLIMIT_AS, size + MEMORY_BYTES)
    signal.alarm(DEADLINE + 1)  # should the parent be gone, a child that waits on nothing ends too


def _set_soft(limit, soft):
    """Only the soft limit, within the hard one: the next file's may then be higher."""
    _, hard = resource.getrlimit(limit)
    resource.setrlimit(limit, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
