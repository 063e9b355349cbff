"""Runs a real ClickHouse (clickhouse-local 26.x from chdb's libchdb.so) with HTTP and TCP listeners.

usage: clickhouse-launcher.py LIBCHDB DATA_DIR HTTP_PORT TCP_PORT

clickhouse-local opens the listeners on SYSTEM START LISTEN; a long sleepEachRow query then keeps the process
(and so the server) alive until it is signalled. Node FFI cannot host libchdb (its stack checks fail), hence python.
"""
import ctypes
import os
import sys

lib_path, data_dir, http_port, tcp_port = sys.argv[1:5]
lib = ctypes.CDLL(lib_path)
lib.chdb_query_cmdline.restype = ctypes.c_void_p
lib.chdb_query_cmdline.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
lib.chdb_result_error.restype = ctypes.c_char_p
lib.chdb_result_error.argtypes = [ctypes.c_void_p]
keep_alive = "SELECT sleepEachRow(1) FROM numbers(1000000000000) SETTINGS max_block_size = 1 FORMAT Null"
args = [
    "clickhouse",
    "--multiquery",
    "--path=" + data_dir,
    "--http_port=" + http_port,
    "--tcp_port=" + tcp_port,
    "--listen_host=127.0.0.1",
    "--query=SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; " + keep_alive,
]
argv = (ctypes.c_char_p * len(args))(*[a.encode() for a in args])
result = lib.chdb_query_cmdline(len(args), argv)
error = lib.chdb_result_error(result) if result else b"no result"
sys.stderr.write("clickhouse-local stopped: %s\n" % (error or b"").decode(errors="replace"))
sys.exit(1)
