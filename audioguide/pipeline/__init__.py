"""The hall: the stages composed, and the one door cli/ and web/ go through.

definitions -> (schedule) -> compiler -> speech -> mixer -> encoder -> publish, composed here and nowhere else.
options.py says what a build is asked for and gives (light: no numpy); requests.py is what a door asks to be
made (one BuildRequest for routines and programs), its file names and its build; catalogue.py what can be made
(routines with their ranges, programs, voices, checking definitions); folder.py a folder of built sessions
(listed, fed, served, removed); voicing.py the voice a session plans with (light: the views that only plan
stop there), studio.py what every build shares and renders one session; routines.py and
programs.py build them; naming.py names their files; speaking.py and settings.py are the voice on its own and
the config file, for the doors. Import names from the module that defines them: this package loads nothing
itself, so a command pays only for the stages it runs.
"""
