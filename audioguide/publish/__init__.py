"""Publishing a built session: ID3 tags and chapters, files beside the MP3 (transcripts, chapters, the plan and
its picture), cover art, and the folder of sessions as a podcast feed, a page and a small server."""
