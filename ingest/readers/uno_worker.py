"""Conversion worker run by the *system* Python (``/usr/bin/python3``), which has LibreOffice's
``uno`` module (Debian ``python3-uno``); the project's venv does not.

It connects to one listening ``soffice`` and converts one file per request, so LibreOffice
starts once per batch instead of once per file. Protocol: one JSON object per line on stdin
(``{"src": …, "dst": …, "filter": …}``), one per line on stdout (``{"ok": true}`` or
``{"ok": false, "error": …}``). The first line written is ``{"ready": true}`` once connected.
Started and timed out by :mod:`ingest.readers.convert`; no project imports here.
"""

import contextlib
import json
import sys
import time


def main(pipe: str, connect_timeout: float) -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    def props(**kw):
        out = []
        for k, v in kw.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + connect_timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException while soffice starts
            if time.monotonic() > deadline:
                print(json.dumps({"ready": False, "error": "无法连接 LibreOffice"}), flush=True)
                return 1
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    print(json.dumps({"ready": True}), flush=True)

    for line in sys.stdin:
        req = json.loads(line)
        doc = None
        try:
            load = props(Hidden=True, ReadOnly=True, UpdateDocMode=0, MacroExecutionMode=0,
                         Password=req.get("password", ""))
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["src"]), "_blank", 0, load)
            if doc is None:
                raise RuntimeError("LibreOffice 无法打开该文件")
            doc.storeToURL(uno.systemPathToFileUrl(req["dst"]), props(FilterName=req["filter"], Overwrite=True,
                                                                      **({"Password": req["save_password"]}
                                                                         if req.get("save_password") else {})))
            reply = {"ok": True}
        except Exception as e:  # any UNO error is a per-file failure, the worker goes on
            reply = {"ok": False, "error": f"{type(e).__name__}: {getattr(e, 'Message', '') or e}"[:300]}
        finally:
            if doc is not None:
                with contextlib.suppress(Exception):
                    doc.close(True)
        print(json.dumps(reply, ensure_ascii=False), flush=True)
    # stdin closed: the project process is gone (or done), so LibreOffice goes too
    with contextlib.suppress(Exception):
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60.0))
