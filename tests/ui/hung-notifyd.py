#!/usr/bin/python3
"""A notification server that hangs: it owns org.freedesktop.Notifications
and answers GetCapabilities (body, actions) and GetServerInformation, but never replies to Notify
or CloseNotification. Counts them: org.otaux.TestHung.Calls() -> (notify, close).
Prints READY once the name is owned."""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = 'org.freedesktop.Notifications'


class Hung(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, '/org/freedesktop/Notifications')
        self.notify = 0
        self.close = 0
        self.held = []  # the reply callbacks we never call

    @dbus.service.method(IFACE, in_signature='', out_signature='as')
    def GetCapabilities(self):
        return ['body', 'actions']

    @dbus.service.method(IFACE, in_signature='', out_signature='ssss')
    def GetServerInformation(self):
        return ('hung-notifyd', 'otaux tests', '1.0', '1.2')

    @dbus.service.method(IFACE, in_signature='susssasa{sv}i', out_signature='u',
                         async_callbacks=('ok', 'err'))
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout, ok, err):
        self.notify += 1
        self.held.append(ok)

    @dbus.service.method(IFACE, in_signature='u', out_signature='',
                         async_callbacks=('ok', 'err'))
    def CloseNotification(self, nid, ok, err):
        self.close += 1
        self.held.append(ok)

    @dbus.service.method('org.otaux.TestHung', in_signature='', out_signature='uu')
    def Calls(self):
        return (self.notify, self.close)


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    Hung(bus)
    name = dbus.service.BusName(IFACE, bus, do_not_queue=True)
    print('READY', flush=True)
    GLib.MainLoop().run()
    del name


if __name__ == '__main__':
    sys.exit(main())
