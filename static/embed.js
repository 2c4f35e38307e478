/*
 * Crossings embeds: paste once on a page with Crossings iframes. Each embed posts
 * { type: "crossings:height", height } when its content height changes; this sets the
 * height of the iframe that sent it. No dependencies; safe to include more than once.
 */
(function () {
	if (window.crossingsEmbed) return;
	window.crossingsEmbed = true;
	var script = document.currentScript;
	var origin = script ? new URL(script.src, location.href).origin : null;
	window.addEventListener('message', function (event) {
		var data = event.data;
		if (!data || data.type !== 'crossings:height' || typeof data.height !== 'number') return;
		if (origin && event.origin !== origin) return;
		var height = Math.max(0, Math.min(Math.round(data.height), 10000));
		var frames = document.getElementsByTagName('iframe');
		for (var i = 0; i < frames.length; i++) {
			if (frames[i].contentWindow === event.source) {
				frames[i].style.height = height + 'px';
				frames[i].setAttribute('height', String(height));
			}
		}
	});
})();
