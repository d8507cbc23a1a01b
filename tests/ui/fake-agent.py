#!/usr/bin/python3
"""A tiny stand-in for otaux-agent, for prompter-only tests and screenshots.

Owns org.otaux.Agent on the session bus and exposes /org/otaux/Agent
(org.otaux.Agent1: Offers, OfferAdded, OfferRemoved) and offers on
/org/otaux/Agent/Offers/N (org.otaux.Offer1: Name, Version, Size, Priority,
Prompt, Decision, Answer, Decided, PropertiesChanged). Answer checks the
choice against the prompt's choices (org.otaux.Error.NotAllowed otherwise),
records it, emits Decided and clears the prompt.

The test drives it over org.otaux.Test1 on /org/otaux/Test:
  AddOffer(a{sv} props, a{sv} prompt) -> o
  SetPrompt(o offer, a{sv} prompt)
  SetBytes(o offer, t done, t total)   BytesDone/BytesTotal, as SetState reports them
  Remove(o offer)
  Answers() -> a(ssa{sv})   (offer path, choice, details), in order
  ClearAnswers()
  PrompterSignals() -> a(so) the prompter's Shown/Hidden signals, in order
Prints "READY" on stdout once the name is owned.
"""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

AGENT_IFACE = 'org.otaux.Agent1'
OFFER_IFACE = 'org.otaux.Offer1'
PROPS = dbus.PROPERTIES_IFACE


class NotAllowed(dbus.DBusException):
    _dbus_error_name = 'org.otaux.Error.NotAllowed'


def sv(d):
    return dbus.Dictionary(d, signature='sv')


class Offer(dbus.service.Object):
    def __init__(self, bus, serial, props, prompt, agent):
        self.path = '/org/otaux/Agent/Offers/%d' % serial
        super().__init__(bus, self.path)
        self.agent = agent
        self.props = {
            'Id': dbus.String(props.get('id', 'pkg-%d' % serial)),
            'Name': dbus.String(props.get('name', '')),
            'Version': dbus.String(props.get('version', '')),
            'Priority': dbus.String(props.get('priority', 'medium')),
            'Size': dbus.UInt64(props.get('size', 0)),
            'BytesDone': dbus.UInt64(0),
            'BytesTotal': dbus.UInt64(0),
            'Decision': dbus.String('none'),
            'Prompt': sv(prompt),
        }

    def set_bytes(self, done, total):
        self.props['BytesDone'] = dbus.UInt64(done)
        self.props['BytesTotal'] = dbus.UInt64(total)
        self.PropertiesChanged(OFFER_IFACE, sv({'BytesDone': self.props['BytesDone'],
                                                'BytesTotal': self.props['BytesTotal']}), [])

    def set_prompt(self, prompt):
        self.props['Prompt'] = sv(prompt)
        self.PropertiesChanged(OFFER_IFACE, sv({'Prompt': self.props['Prompt']}), [])

    @dbus.service.method(PROPS, in_signature='ss', out_signature='v')
    def Get(self, iface, name):
        return self.props[name]

    @dbus.service.method(PROPS, in_signature='s', out_signature='a{sv}')
    def GetAll(self, iface):
        return sv(self.props)

    @dbus.service.signal(PROPS, signature='sa{sv}as')
    def PropertiesChanged(self, iface, changed, invalidated):
        pass

    @dbus.service.signal(OFFER_IFACE, signature='sa{sv}')
    def Decided(self, decision, details):
        pass

    @dbus.service.method(OFFER_IFACE, in_signature='sa{sv}', out_signature='')
    def Answer(self, choice, details):
        choices = [str(c[0]) for c in self.props['Prompt'].get('choices', [])]
        if str(choice) not in choices:
            raise NotAllowed('the prompt does not offer "%s"' % choice)
        if choice == 'delay-reboot' and 'reboot-at' not in details:
            raise dbus.DBusException('reboot-at missing',
                                     name='org.otaux.Error.InvalidArgs')
        self.agent.answers.append((self.path, str(choice), sv(details)))
        self.props['Decision'] = dbus.String(choice)
        self.Decided(choice, sv(details))
        # nothing more to ask in this fake
        self.set_prompt({})


class Agent(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, '/org/otaux/Agent')
        self.bus = bus
        self.offers = {}
        self.serial = 0
        self.answers = []
        self.prompter_signals = []

    @dbus.service.method(PROPS, in_signature='ss', out_signature='v')
    def Get(self, iface, name):
        return self.GetAll(iface)[name]

    @dbus.service.method(PROPS, in_signature='s', out_signature='a{sv}')
    def GetAll(self, iface):
        return sv({'Offers': dbus.Array(list(self.offers.keys()), signature='o'),
                   'Version': dbus.UInt32(1)})

    @dbus.service.signal(AGENT_IFACE, signature='o')
    def OfferAdded(self, path):
        pass

    @dbus.service.signal(AGENT_IFACE, signature='o')
    def OfferRemoved(self, path):
        pass


class Control(dbus.service.Object):
    def __init__(self, bus, agent):
        super().__init__(bus, '/org/otaux/Test')
        self.agent = agent

    @dbus.service.method('org.otaux.Test1', in_signature='a{sv}a{sv}', out_signature='o')
    def AddOffer(self, props, prompt):
        self.agent.serial += 1
        o = Offer(self.agent.bus, self.agent.serial, props, prompt, self.agent)
        self.agent.offers[o.path] = o
        self.agent.OfferAdded(o.path)
        return o.path

    @dbus.service.method('org.otaux.Test1', in_signature='oa{sv}', out_signature='')
    def SetPrompt(self, path, prompt):
        self.agent.offers[str(path)].set_prompt(prompt)

    @dbus.service.method('org.otaux.Test1', in_signature='ott', out_signature='')
    def SetBytes(self, path, done, total):
        self.agent.offers[str(path)].set_bytes(done, total)

    @dbus.service.method('org.otaux.Test1', in_signature='o', out_signature='')
    def Remove(self, path):
        o = self.agent.offers.pop(str(path))
        self.agent.OfferRemoved(o.path)
        o.remove_from_connection()

    @dbus.service.method('org.otaux.Test1', in_signature='', out_signature='a(ssa{sv})')
    def Answers(self):
        return dbus.Array(self.agent.answers, signature='(ssa{sv})')

    @dbus.service.method('org.otaux.Test1', in_signature='', out_signature='')
    def ClearAnswers(self):
        self.agent.answers.clear()

    @dbus.service.method('org.otaux.Test1', in_signature='', out_signature='a(so)')
    def PrompterSignals(self):
        return dbus.Array(self.agent.prompter_signals, signature='(so)')


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    agent = Agent(bus)
    Control(bus, agent)
    bus.add_signal_receiver(
        lambda offer, member=None: agent.prompter_signals.append((member, offer)),
        dbus_interface='org.otaux.Prompter1', path='/org/otaux/Prompter',
        member_keyword='member')
    name = dbus.service.BusName('org.otaux.Agent', bus, do_not_queue=True)
    print('READY', flush=True)
    loop = GLib.MainLoop()
    bus.add_signal_receiver(lambda *a: loop.quit(), 'Disconnected',
                            'org.freedesktop.DBus.Local')
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    del name
    return 0


if __name__ == '__main__':
    sys.exit(main())
