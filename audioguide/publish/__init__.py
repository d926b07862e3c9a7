"""Publishing a built session: ID3 tags and chapters, files beside the MP3 (transcripts, chapters, the plan and
its picture, the cover), cover art, and a folder of sessions read back as episodes of a podcast feed."""
