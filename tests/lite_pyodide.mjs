// Runs tests/lite_harness.py inside real Pyodide under Node, as xlwings Lite would run main.py.
//
//   node tests/lite_pyodide.mjs PYODIDE_DIR JOB.json
//
// JOB.json: {"wheels": [host paths], "host": host folder holding main.py, template.xlsx,
// demo/, tests/ (the harness, the stand-ins) and extra/ (test-only packages), "out": host
// path of the result JSON, "mode": "harness" | "bench", "bench": {...}}.
// The host folder is mounted at /host; the wheels are unpacked into site-packages with
// Python's zipfile (a pure-Python wheel needs nothing more); nothing is fetched from the
// network. Prints one JSON line of timings.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, jobPath] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobPath, "utf8"));
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);

const t0 = performance.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: () => {}, stderr: (s) => process.stderr.write(s + "\n") });
const tBoot = performance.now();
pyodide.FS.mkdirTree("/host");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: job.host }, "/host");
pyodide.FS.mkdirTree("/wheels");
for (const wheel of job.wheels) {
  pyodide.FS.writeFile("/wheels/" + path.basename(wheel), readFileSync(wheel));
}

// ssl: Pyodide ships it as a package of its own, which xlwings Lite installs from
// requirements.txt; from the npm package alone it cannot be loaded (no network here).
let ssl = "pyodide";
try {
  await pyodide.loadPackage("ssl", { messageCallback: () => {}, errorCallback: () => {} });
  pyodide.runPython("import ssl");
} catch (e) {
  ssl = "stand-in";
}
pyodide.globals.set("SSL_SOURCE", ssl);
pyodide.globals.set("JOB", JSON.stringify(job));
const result = await pyodide.runPythonAsync(`
import json, os, sys, sysconfig, time, zipfile
site = sysconfig.get_paths()["purelib"]
for name in sorted(os.listdir("/wheels")):
    with zipfile.ZipFile("/wheels/" + name) as wheel:
        wheel.extractall(site)
if SSL_SOURCE == "stand-in":
    # python-stdnum imports ssl but only its SOAP lookups (never used by ims-xl) touch it: a
    # module that refuses every use proves that nothing on the Lite path needs more.
    with open(os.path.join(site, "ssl.py"), "w") as fh:
        fh.write("def __getattr__(name):\\n"
                 "    raise RuntimeError('ssl.' + name + ' used: the test has no real ssl')\\n")
job = json.loads(JOB)
sys.path[:0] = ["/host/tests", "/host/extra"]
os.environ["TMPDIR"] = "/tmp"
if job.get("mode") == "bench":
    import bench_lite
    out = bench_lite.run_in_pyodide(job)
else:
    import lite_harness
    out = lite_harness.run_all("/host/main.py", "/host/template.xlsx", "/host/demo", "/tmp/work")
out["ssl"] = SSL_SOURCE
out["python"] = sys.version.split()[0]
out["platform"] = sys.platform
json.dumps(out)
`);
const tEnd = performance.now();
writeFileSync(job.out, result);
console.log(JSON.stringify({ boot_s: (tBoot - t0) / 1000, total_s: (tEnd - t0) / 1000, ssl }));
