/* The map of machine memory on the live page (docs/working-set.md): a
 * panel (app.js's atoll.addPanel) that fetches /memmap.json (the control
 * socket's "memmap" reply: runs, not one object per frame) after each of
 * the page's polls and paints, on a canvas, every machine frame as a cell
 * coloured by owner and state next to each domain's contiguous
 * guest-physical memory, where ballooned and swapped pages show.  Under
 * the canvas a table counts, per view and state, the frames and the
 * cells drawn (also as data-* attributes, which the headless-browser
 * test reads). */
"use strict";
(function () {
	var A = window.atoll;
	var q = "?token=" + encodeURIComponent(A.token);
	/* The chart's colours per domain (same order); red and gold are
	 * kept for states. */
	var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
		"#e377c2", "#17becf", "#bcbd22"];
	var SC = { free: "#eeeeee", shared: "#ffd700", ballooned: "#aec7e8",
		swapped: "#d62728", unpopulated: "#ffffff", busy: "#444444" };
	var CELL = 3, MCOLS = 256, GCOLS = 128, updates = 0;
	var SW = "display:inline-block;width:1em;height:.8em;margin-right:.5em;";
	var root = document.createElement("section"), busy = false;
	root.className = "panel";
	root.id = "memmap";
	root.innerHTML = "<h2>machine memory and guest-physical memory</h2>" +
		"<p id=\"mapstatus\">waiting for /memmap.json</p>" +
		"<canvas id=\"mapcanvas\" width=\"10\" height=\"10\"></canvas>" +
		"<ul id=\"mapkey\"></ul><table id=\"mapcount\"></table>";
	function esc(s) {
		return String(s).replace(/[&<>"]/g, function (c) {
			return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
		});
	}
	function colour(map, state, owner) {
		if (state !== "private")
			return SC[state] || "#000000";
		for (var i = 0; i < map.domains.length; i++)
			if (map.domains[i].id === owner)
				return COLORS[i % COLORS.length];
		return COLORS[0];
	}
	/* Cells of a view (a cell: per frames, coloured by the run covering
	 * most of it); adds frames and cells per state to tally. */
	function view(g, map, runs, owned, n, cols, x0, y0, tally, self) {
		var per = Math.max(1, Math.ceil(n / (cols * cols)));
		var ncells = Math.ceil(n / per), cell = 0, pos = 0;
		var best = 0, bs = 0, bo = 0;
		runs.forEach(function (r) {
			var k = owned ? 1 : 0, owner = owned ? r[0] : self;
			var st = map.states[r[k]], left = r[k + 1];
			tally[st] = tally[st] || { frames: 0, cells: 0 };
			tally[st].frames += left;
			while (left > 0 && cell < ncells) {
				var end = Math.min((cell + 1) * per, n);
				var take = Math.min(end - pos, left);
				if (take > best) {
					best = take;
					bs = st;
					bo = owner;
				}
				pos += take;
				left -= take;
				if (pos < end)
					continue;
				g.fillStyle = colour(map, bs, bo);
				g.fillRect(x0 + (cell % cols) * CELL,
					y0 + Math.floor(cell / cols) * CELL, CELL, CELL);
				tally[bs].cells++;
				best = 0;
				cell++;
			}
		});
		return Math.ceil(ncells / cols) * CELL;
	}
	function rows(n, cols) {
		var per = Math.max(1, Math.ceil(n / (cols * cols)));
		return Math.ceil(Math.ceil(n / per) / cols) * CELL;
	}
	function draw(map) {
		var c = document.getElementById("mapcanvas");
		var gx = 10 + MCOLS * CELL + 30, h = 30 + rows(map.frames, MCOLS);
		var gh = 10, tallies = [], html = [];
		map.domains.forEach(function (d) { gh += 30 + rows(d.nr, GCOLS); });
		c.width = gx + GCOLS * CELL + 10;
		c.height = Math.max(h, gh) + 10;
		var g = c.getContext("2d");
		g.fillStyle = "#fafafa";
		g.fillRect(0, 0, c.width, c.height);
		g.fillStyle = "#222";
		g.font = "12px sans-serif";
		g.fillText("machine: " + map.frames + " frames", 10, 20);
		var mt = {};
		view(g, map, map.machine, true, map.frames, MCOLS, 10, 30, mt);
		tallies.push(["machine", mt]);
		var y = 10;
		map.domains.forEach(function (d) {
			var t = {};
			g.fillStyle = "#222";
			g.fillText(d.name + ": guest-physical, " + d.nr + " frames",
				gx, y + 12);
			y += 20 + view(g, map, d.runs, false, d.nr, GCOLS, gx, y + 18, t,
				d.id) + 10;
			tallies.push([d.name, t]);
		});
		tallies.forEach(function (vt) {
			Object.keys(vt[1]).forEach(function (st) {
				html.push("<tr data-view=\"" + esc(vt[0]) + "\" data-state=\"" +
					st + "\" data-frames=\"" + vt[1][st].frames +
					"\" data-cells=\"" + vt[1][st].cells + "\"><td>" +
					esc(vt[0]) + "</td><td>" + st + "</td><td>" +
					vt[1][st].frames + " frames</td><td>" + vt[1][st].cells +
					" cells</td></tr>");
			});
		});
		updates++;
		document.getElementById("mapcount").innerHTML = html.join("");
		document.getElementById("mapkey").innerHTML = map.domains.map(
			function (d, k) {
				return "<li><span style=\"" + SW + "background:" +
					COLORS[k % COLORS.length] + "\"></span>" + esc(d.name) +
					" (private)</li>";
			}).join("") + Object.keys(SC).map(function (s) {
				return "<li><span style=\"" + SW + "background:" + SC[s] +
					";outline:1px solid #999\"></span>" + s + "</li>";
			}).join("");
		document.getElementById("mapstatus").textContent = "free " +
			(mt.free ? mt.free.frames : 0) + " of " + map.frames +
			" frames; map update " + updates;
	}
	function update() {
		if (!root.parentNode)
			document.getElementById("panels").appendChild(root);
		if (busy)
			return; /* the last map is still on its way */
		busy = true;
		fetch("memmap.json" + q).then(function (r) {
			if (!r.ok)
				throw new Error("HTTP " + r.status);
			return r.json();
		}).then(function (s) {
			if (s.ok)
				draw(s.map);
		}).catch(function (e) {
			document.getElementById("mapstatus").textContent =
				"no map (" + e.message + ")";
		}).finally(function () { busy = false; });
	}
	A.addPanel({ update: update });
})();
