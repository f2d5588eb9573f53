/* The live page of `atoll run --http` (docs/control-api.md "The web page").
 *
 * It loads the run's whole history once (/history.json, kept by atoll from
 * the start of the run), then only what is new every second
 * (?since=LAST_MS), and draws with Chart.js (Debian's libjs-chart.js):
 * per domain memory (held, target, ballooned, swapped, shared, the
 * sampled working set: docs/working-set.md) and
 * activity (CPU % of one host CPU, PV I/O requests/s), on a time axis from
 * the start of the run; the host's free memory, swap and reclaim events.
 * Controls post control requests (the CLI's protocol) with the token.
 *
 * Extending it: a file in web/, named in index.html, that calls
 * atoll.addPanel({ update: function (hist) {...} }); update is called
 * after every poll with the merged history (the /history.json format).
 * Panels go in #panels. */
"use strict";
(function () {
	var A = window.atoll;
	var q = "?token=" + encodeURIComponent(A.token);
	var MIB = 1048576;
	var COLORS = { held: "#1f77b4", target: "#ff7f0e", ballooned: "#2ca02c",
		swapped: "#d62728", shared: "#9467bd", active: "#8c564b",
		cpu: "#1f77b4",
		io: "#ff7f0e", free: "#2ca02c", swap: "#d62728",
		reclaim: "#b00" };
	var hist = null, lastT = -1, polls = 0, panels = [], doms = {};

	A.panels = panels;
	A.addPanel = function (p) { panels.push(p); };

	function mmss(ms) {
		var s = Math.round(ms / 1000), m = Math.floor(s / 60);
		s %= 60;
		return m + ":" + (s < 10 ? "0" : "") + s;
	}

	/* A line chart on the run's time axis (seconds, shown as m:ss). */
	function chart(canvas, sets, yTitle, y2Title) {
		var scales = {
			x: { type: "linear", title: { display: true,
				text: "time since the run started (m:ss)" },
				ticks: { callback: function (v) { return mmss(v * 1000); } } },
			y: { beginAtZero: true, title: { display: true, text: yTitle } }
		};
		if (y2Title)
			scales.y2 = { position: "right", beginAtZero: true,
				grid: { drawOnChartArea: false },
				title: { display: true, text: y2Title } };
		return new Chart(canvas, {
			type: "line",
			data: { datasets: sets.map(function (s) {
				return { label: s.label, data: [], borderColor: s.color,
					backgroundColor: s.color, borderDash: s.dash || [],
					pointRadius: s.points || 0, showLine: !s.points,
					borderWidth: 1.5, spanGaps: false,
					yAxisID: s.y2 ? "y2" : "y" };
			}) },
			options: { animation: false, parsing: false, normalized: true,
				maintainAspectRatio: false,
				interaction: { mode: "nearest", intersect: false },
				scales: scales }
		});
	}

	function el(tag, attrs, text) {
		var e = document.createElement(tag);
		Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	/* Append the columns of part (a /history.json reply) to hist. */
	function merge(part) {
		var n0;
		if (!hist) {
			hist = part;
			return;
		}
		n0 = hist.t_ms.length;
		hist.period_ms = part.period_ms;
		hist.t_ms = hist.t_ms.concat(part.t_ms);
		Object.keys(part.host).forEach(function (k) {
			hist.host[k] = hist.host[k].concat(part.host[k]);
		});
		part.domains.forEach(function (pd) {
			var d = hist.domains.find(function (x) { return x.id === pd.id; });
			if (!d) {
				d = { id: pd.id, name: pd.name };
				Object.keys(pd).forEach(function (k) {
					if (Array.isArray(pd[k]))
						d[k] = new Array(n0).fill(null);
				});
				hist.domains.push(d);
			}
			Object.keys(pd).forEach(function (k) {
				if (Array.isArray(pd[k]))
					d[k] = d[k].concat(pd[k]);
			});
		});
		/* A domain the part does not name is absent from its samples. */
		hist.domains.forEach(function (d) {
			Object.keys(d).forEach(function (k) {
				if (Array.isArray(d[k]))
					while (d[k].length < hist.t_ms.length)
						d[k].push(null);
			});
		});
	}

	/* Points {x: seconds, y} of a series, null where absent. */
	function points(col, f) {
		return hist.t_ms.map(function (t, i) {
			var v = col[i];
			return { x: t / 1000, y: v === null ? null : f(v, i) };
		});
	}

	/* Rate per second of a counter between samples (null at gaps). */
	function rate(col, scale) {
		return hist.t_ms.map(function (t, i) {
			var v = col[i], p = i ? col[i - 1] : null, dt;
			if (v === null || p === null || !i)
				return { x: t / 1000, y: null };
			dt = (t - hist.t_ms[i - 1]) / 1000;
			return { x: t / 1000, y: dt > 0 ? Math.max(0, v - p) * scale / dt : 0 };
		});
	}

	function post(req, out) {
		out.className = "result";
		out.textContent = req.cmd + " " + req.domain + "…";
		return fetch("control" + q, { method: "POST", body: JSON.stringify(req) })
			.then(function (r) { return r.json(); })
			.then(function (r) {
				out.className = r.ok ? "result ok" : "result error";
				out.textContent = r.ok ? req.cmd + " " + req.domain + ": done"
					: req.cmd + " " + req.domain + ": " + r.error;
			})
			.catch(function (e) {
				out.className = "result error";
				out.textContent = req.cmd + ": " + e;
			});
	}

	/* A domain's panel: state, figures now, two charts, controls. */
	function domPanel(d) {
		var sec = el("section", { "class": "panel dom", "data-domain": d.name });
		var h = el("h2", {}, d.name + " ");
		var st = el("span", { "class": "state" });
		var now = el("p", { "class": "now" });
		var charts = el("div", { "class": "charts" });
		var c1 = el("div", { "class": "chart" }), c2 = el("div", { "class": "chart" });
		var cv1 = el("canvas", { "class": "mem" }), cv2 = el("canvas", { "class": "act" });
		var ctl = el("div", { "class": "controls" });
		var mib = el("input", { type: "number", min: "1", step: "1",
			placeholder: "MiB", "class": "mem-set-mib" });
		var out = el("span", { "class": "result" });
		var p = { sec: sec, st: st, now: now };

		h.appendChild(st);
		c1.appendChild(cv1);
		c2.appendChild(cv2);
		charts.appendChild(c1);
		charts.appendChild(c2);
		ctl.appendChild(el("label", {}, "target "));
		ctl.appendChild(mib);
		[["mem-set", "set target"], ["auto", "manager's target"],
		 ["pause", "pause"], ["unpause", "unpause"],
		 ["shutdown", "shut down"], ["reboot", "reboot"],
		 ["destroy", "destroy"]].forEach(function (b) {
			var btn = el("button", { type: "button", "data-cmd": b[0] }, b[1]);
			btn.addEventListener("click", function () {
				var req = { cmd: b[0], domain: d.name };
				if (b[0] === "mem-set") {
					if (!/^[0-9]+$/.test(mib.value)) {
						out.className = "result error";
						out.textContent = "the target is a whole number of MiB";
						return;
					}
					req.bytes = Number(mib.value) * MIB;
				} else if (b[0] === "auto") {
					req = { cmd: "mem-set", domain: d.name, auto: true };
				} else if (b[0] === "destroy" &&
					   !window.confirm("destroy " + d.name + "?")) {
					return;
				}
				post(req, out);
			});
			ctl.appendChild(btn);
		});
		ctl.appendChild(out);
		[h, now, charts, ctl].forEach(function (e) { sec.appendChild(e); });
		document.getElementById("domains").appendChild(sec);
		p.mem = chart(cv1, [
			{ label: "held", color: COLORS.held },
			{ label: "target", color: COLORS.target, dash: [5, 4] },
			{ label: "ballooned", color: COLORS.ballooned },
			{ label: "swapped", color: COLORS.swapped },
			{ label: "shared", color: COLORS.shared },
			{ label: "sampled active", color: COLORS.active, dash: [2, 2] }],
			"MiB");
		p.act = chart(cv2, [
			{ label: "CPU % (of one host CPU)", color: COLORS.cpu },
			{ label: "I/O requests/s", color: COLORS.io, y2: true }],
			"CPU %", "requests/s");
		return p;
	}

	function last(col) {
		for (var i = col.length - 1; i >= 0; i--)
			if (col[i] !== null)
				return col[i];
		return null;
	}

	function drawDomain(d) {
		var p = doms[d.id] || (doms[d.id] = domPanel(d));
		var fs = hist.frame_size, toMiB = function (v) { return v * fs / MIB; };
		var state = last(d.state) || "gone", n = d.held.length;
		var cpu = rate(d.cpu_ns, 100 / 1e9);

		p.sec.setAttribute("data-points", String(d.held.filter(function (v) {
			return v !== null; }).length));
		p.sec.setAttribute("data-first-ms", String(hist.t_ms[d.held.findIndex(
			function (v) { return v !== null; })]));
		p.st.textContent = state;
		p.st.className = "state " + state;
		p.now.textContent = "holds " + toMiB(last(d.held) || 0).toFixed(1) +
			" MiB, target " + toMiB(last(d.target) || 0).toFixed(1) +
			" MiB, ballooned " + toMiB(last(d.ballooned) || 0).toFixed(1) +
			" MiB, swapped " + toMiB(last(d.swapped) || 0).toFixed(1) +
			" MiB, shared " + toMiB(last(d.shared) || 0).toFixed(1) +
			" MiB, sampled active " + toMiB(last(d.active) || 0).toFixed(1) +
			" MiB; CPU " + (n ? (cpu[n - 1].y || 0).toFixed(0) : 0) + " %";
		["held", "target", "ballooned", "swapped", "shared", "active"].forEach(function (k, i) {
			p.mem.data.datasets[i].data = points(d[k], toMiB);
		});
		p.act.data.datasets[0].data = cpu;
		p.act.data.datasets[1].data = rate(d.io_requests, 1);
		p.mem.update("none");
		p.act.update("none");
	}

	var hostChart = null;
	function drawHost() {
		var h = hist.host, fs = hist.frame_size, n = hist.t_ms.length;
		var toMiB = function (v) { return v * fs / MIB; };
		var marks = [], list = document.getElementById("events");

		if (!hostChart)
			hostChart = chart(document.getElementById("host-chart"), [
				{ label: "free MiB", color: COLORS.free },
				{ label: "swap used MiB", color: COLORS.swap },
				{ label: "reclaim event", color: COLORS.reclaim, points: 4 }],
				"MiB");
		for (var i = 1; i < n; i++) {
			if (h.reclaim_runs[i] > h.reclaim_runs[i - 1] ||
			    h.state[i] !== h.state[i - 1]) {
				marks.push({ x: hist.t_ms[i] / 1000, y: toMiB(h.free[i]) });
			}
		}
		list.textContent = "";
		for (i = 1; i < n; i++) {
			var what = [];
			if (h.reclaim_runs[i] > h.reclaim_runs[i - 1])
				what.push("the reclaimer ran " +
					(h.reclaim_runs[i] - h.reclaim_runs[i - 1]) + "×");
			if (h.state[i] !== h.state[i - 1])
				what.push("memory state " + h.state[i - 1] + " → " + h.state[i]);
			if (what.length)
				list.appendChild(el("li", {}, mmss(hist.t_ms[i]) + " " + what.join(", ")));
		}
		hostChart.data.datasets[0].data = points(h.free, toMiB);
		hostChart.data.datasets[1].data = points(h.swap_used, toMiB);
		hostChart.data.datasets[2].data = marks;
		hostChart.update("none");
		document.getElementById("host-now").textContent = n ?
			"machine memory " + toMiB(h.frames[n - 1]).toFixed(0) + " MiB, free " +
			toMiB(h.free[n - 1]).toFixed(1) + " MiB, swap used " +
			toMiB(h.swap_used[n - 1]).toFixed(1) + " MiB, memory state " +
			h.state[n - 1] : "";
	}

	function draw() {
		var n = hist.t_ms.length;
		polls++;
		document.getElementById("status").textContent = "sample " + polls +
			": " + n + " points from " + mmss(n ? hist.t_ms[0] : 0) + " to " +
			mmss(n ? hist.t_ms[n - 1] : 0) + " (one every " +
			hist.period_ms + " ms)";
		drawHost();
		hist.domains.forEach(drawDomain);
		panels.forEach(function (p) {
			try {
				p.update(hist);
			} catch (e) {
				console.error(e);
			}
		});
	}

	function poll() {
		fetch("history.json" + q + (lastT >= 0 ? "&since=" + lastT : ""))
			.then(function (r) {
				if (!r.ok)
					throw new Error("HTTP " + r.status);
				return r.json();
			})
			.then(function (part) {
				merge(part);
				if (hist.t_ms.length)
					lastT = hist.t_ms[hist.t_ms.length - 1];
				draw();
			})
			.catch(function (e) {
				document.getElementById("status").textContent =
					"atoll does not answer (" + e.message + "); retrying";
			})
			.finally(function () { setTimeout(poll, 1000); });
	}

	A.start = function () {
		if (typeof Chart === "undefined") {
			document.getElementById("status").textContent =
				"chart.js did not load (install Debian's libjs-chart.js)";
			return;
		}
		poll();
	};
})();
