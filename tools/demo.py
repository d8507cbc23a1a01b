#!/usr/bin/python3
"""The demo's driver (started by tools/demo inside a private session bus and,
without a display, inside Xvfb). It plays the updater's side of a whole
firmware update against the real otaux-agent with its built-in policy, and
the person's side with real pointer clicks on the real prompter. Every
answer reaches the agent through the public D-Bus API; nothing is faked
inside the agent. Each step waits on an event (a signal, a window, a file)
with a bound, never on a guessed sleep.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'ui'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'fwupd'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'system'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'rauc'))
import dbus  # noqa: E402
import systest  # noqa: E402  (the private system bus and its mock services)
from otauxtest import Agent, PrompterShown, now, wait_until  # noqa: E402
import uitest  # noqa: E402

MB = 1000 * 1000
step_no = [0]


def say(text):
    print('demo: ' + text, flush=True)


class Demo:
    def __init__(self, build, out, phone=False):
        self.build = build
        self.out = out
        self.phone = phone  # a 360x720 screen, dunst and the pop-up fitted to it
        self.shots = os.path.join(out, 'prompter')  # the prompter's own pictures
        os.makedirs(self.shots, exist_ok=True)
        self.procs = []

    # -- pictures ------------------------------------------------------------

    def screen(self, name):
        """A picture of the whole screen: notifications and pop-up together."""
        step_no[0] += 1
        path = os.path.join(self.out, '%02d-%s.png' % (step_no[0], name))
        uitest.screen_picture(path)
        say('  saved %s' % os.path.relpath(path, self.out))
        return path

    # -- the parts -----------------------------------------------------------

    def start_notification_server(self):
        bus = dbus.SessionBus()
        if uitest.name_has_owner(bus, 'org.freedesktop.Notifications'):
            return
        say('starting dunst as the notification server')
        rc = 'dunstrc-phone' if self.phone else 'dunstrc'
        p = uitest.Proc(['dunst', '-config', os.path.join(ROOT, 'data', 'demo', rc)],
                        env=uitest.gui_env(), name='dunst')
        self.procs.append(p)
        wait_until(lambda: uitest.name_has_owner(bus, 'org.freedesktop.Notifications'), 15,
                   'the notification server')

    def start_system_services(self):
        """The device's own services, as python-dbusmock on a private system
        bus: a modem (ModemManager) that is roaming, a battery (UPower) at
        15 % with no charger, and logind (for the shutdown inhibitor)."""
        say('starting a private system bus: ModemManager (roaming), UPower (15 %, on battery), '
            'logind')
        self.sysbus = systest.SystemBus()
        self.modem = systest.modemmanager(self.sysbus, registration_state=5)
        self.battery = systest.upower(self.sysbus, on_battery=True, percent=15)
        self.logind = systest.logind(self.sysbus)

    def device(self, **want):
        """Waits until Agent1.Device says what the services said."""
        want = {k.replace('_', '-'): v for k, v in want.items()}
        a = self.agent

        def ok():
            d = a.prop_agent('Device')
            return all(d.get(k) == v for k, v in want.items())
        if not ok():
            a.signals.wait('PropertiesChanged', '/org/otaux/Agent', lambda args: 'Device' in args[1]
                           and all(args[1]['Device'].get(k) == v for k, v in want.items()),
                           timeout=30)

    def start_agent(self):
        # The operator's catalog brings the custom install message.
        strings = os.path.join(self.out, 'operator-strings')
        os.makedirs(strings, exist_ok=True)
        shutil.copy(os.path.join(ROOT, 'data', 'examples', 'strings-en.xml'), strings)
        env = uitest.gui_env({
            'OTAUX_PROMPTER': os.path.join(self.build, 'ui', 'otaux-prompter'),
            'OTAUX_PROMPTER_ARGS': '--screenshot-dir %s --idle-timeout 120%s' % (
                self.shots, ' --geometry 360x720' if self.phone else ''),
            # the icons' files before they are installed (image-path)
            'OTAUX_ICON_DIR': os.path.join(ROOT, 'data', 'icons', 'hicolor', 'scalable', 'apps'),
            'OTAUX_LOCALEDIR': os.path.join(self.build, 'po'),
        })
        env.pop('G_DEBUG', None)
        os.environ['OTAUX_AGENT'] = os.path.join(self.build, 'tools', 'otaux-agent')
        self.agent = Agent(state_dir=os.path.join(self.out, 'state'),
                           args=['--strings-dir', strings], env=env).start()
        say('otaux-agent is on the bus (state in %s)' % os.path.relpath(self.agent.state_dir,
                                                                        self.out))

    def close(self):
        if getattr(self, 'agent', None) is not None and self.agent.proc is not None:
            self.agent.stop()
        for p in self.procs:
            p.stop()
        if getattr(self, 'sysbus', None) is not None:
            self.sysbus.close()

    # -- the person's side ---------------------------------------------------

    def popup(self, serial, kind, suffix='', after=0.0):
        """Waits for the pop-up to draw a prompt; returns (window, layout)."""
        lay = uitest.read_layout(self.shots, serial, kind, suffix, after=after, timeout=20)
        self.shown.wait('/org/otaux/Agent/Offers/%s' % serial)
        wid = uitest.find_window(uitest.ere(lay['title']), 20)
        return wid, lay

    def click(self, wid, lay, choice):
        b = uitest.click_button(wid, lay, choice)
        say('  the person clicks "%s"' % b['label'])

    # -- the updater's side --------------------------------------------------

    def watch_notifications(self):
        """Records the agent's Notify calls (the session bus lets its own user
        eavesdrop), so a picture can wait for the notification it shows."""
        self.notifies = []
        bus = dbus.SessionBus()

        def on_message(bus, msg):
            if msg.get_member() == 'Notify' and msg.get_interface() == \
                    'org.freedesktop.Notifications':
                args = msg.get_args_list()
                self.notifies.append((str(args[2]), dict(args[6])))
        bus.add_match_string("eavesdrop='true',type='method_call',"
                             "interface='org.freedesktop.Notifications',member='Notify'")
        bus.add_message_filter(on_message)

    def notified(self, path, icon):
        """Waits until the agent sent the offer's notification with that icon,
        and dunst drew it (its window stays the same size twice in a row)."""
        wait_until(lambda: any(i == icon and str(h.get('x-otaux-offer')) == path
                               for i, h in self.notifies), 15, 'the %s notification' % icon)
        uitest.dunst_drawn()

    def notification_shown(self):
        """Waits until the notification server has a window on screen."""
        def shown():
            rc, out = uitest.xdotool('search', '--onlyvisible', '--class', 'Dunst')
            return rc == 0 and out
        uitest.wait_for(shown, 15, 'a notification on screen', interval=0.1)

    def click_notification(self, text):
        """A real click on the newest notification window (dunst draws one
        window for all of them, newest at the bottom)."""
        x, y = uitest.click_dunst()
        say('  the person clicks the notification "%s" at %d,%d' % (text, x, y))

    def decided(self, path, what):
        args = self.agent.signals.wait('Decided', path, timeout=30)
        say('  Decided(%s, reason %s, phase %s)' % (args[0], args[1]['reason'],
                                                    args[1]['phase']))
        assert args[0] == what, args
        return args

    def changed(self, path, prop, value=None):
        return self.agent.signals.changed(path, prop, value, timeout=30)

    def serial(self, path):
        return int(path.rsplit('/', 1)[1])

    # -- the story -----------------------------------------------------------

    def first_update(self):
        a = self.agent
        say('1. The updater offers a high-priority update; the modem says it is roaming')
        self.device(roaming=True, roaming_source='system')
        t0 = time.time()
        # No "roaming" key: the warning comes from ModemManager, live.
        p = a.offer(id='{8f14e45f-ceea-467f-a0e6-4f1b2c3d4e5f}', name='Contoso Phone OS',
                    version='2.1.0', priority='high', size=48 * MB,
                    message='backup', correlator='dm-session-42', **{
                        'needs-reboot': True, 'install-seconds': 600,
                        'release-notes': 'Security fixes of November.\n'
                                         'Better battery life on standby.\n'
                                         'Calls over Wi-Fi in more countries.'})
        s = self.serial(p)
        self.popup(s, 'download', after=t0)
        self.screen('download-offer-roaming-from-modem')
        say('   the phone comes home (RegistrationState 1): the warning goes at once')
        t0b = time.time()
        systest.set_registration(self.modem, 1)
        a.signals.wait('PropertiesChanged', p, lambda args: 'Prompt' in args[1] and
                       args[1]['Prompt'].get('warning') == '', timeout=30)
        wid, lay = self.popup(s, 'download', after=t0b)
        self.screen('download-offer-home-no-warning')
        self.click(wid, lay, 'accept')
        self.decided(p, 'accept')

        say('2. The updater downloads and reports progress')
        total = 48 * MB
        for pct in (10, 25, 50, 75, 100):
            t = time.time()
            a.set_state(p, 30, bytes_done=total * pct // 100, bytes_total=total)
            self.changed(p, 'BytesDone', total * pct // 100)
            if pct == 25:
                # the pop-up shows it; no notification repeats it meanwhile
                wid, lay = self.popup(s, 'progress', after=t)
                self.screen('downloading-25-percent-popup')
            if pct == 50:
                # "Hide": the download goes on, a notification keeps it in view
                wid, lay = self.popup(s, 'progress', after=t)
                self.click(wid, lay, 'hide')
                uitest.no_visible_window(uitest.ere(lay['title']), 15)
                self.notification_shown()
                self.screen('downloading-50-percent-hidden-notification')

        say('3. Download complete: the install prompt with the operator\'s message; the '
            'battery is at 15 %, so no "install now"')
        t1 = time.time()
        a.set_state(p, 40)
        wid, lay = self.popup(s, 'install', after=t1)
        assert 'accept' not in a.choices(p), a.choices(p)
        self.screen('install-prompt-low-battery')
        self.click(wid, lay, 'delay-reboot')
        wid, lay = self.popup(s, 'install', '-delay', after=t1)
        self.screen('delay-reboot-choices')
        uitest.click_option(wid, lay, 'custom')
        say('  the person clicks "Another time": the hour and minute appear')
        self.popup(s, 'install', '-delay-custom', after=t1)
        self.screen('delay-reboot-another-time')

        say('4. The person delays the reboot by a few seconds')
        # The picker offers hours; a demo cannot wait that long, so the
        # choice goes in as any UI would send it: Answer over D-Bus.
        reboot_at = now() + 20
        a.answer(p, 'delay-reboot', reboot_at=reboot_at)
        self.decided(p, 'delay-reboot')
        self.popup(s, 'delayed', after=t1)  # no countdown: the battery is low
        self.screen('restart-scheduled-low-battery')
        say('   the time comes with the battery at 15 %: the install waits and says why')
        a.signals.wait('PropertiesChanged', p, lambda args: 'Prompt' in args[1] and
                       args[1]['Prompt'].get('body', '').startswith(
                           ('The battery is too low', 'Plug in the charger')),
                       timeout=60)
        self.popup(s, 'delayed', after=reboot_at)
        assert a.signals.find('Decided', p) is None, 'Decided while the battery is low'
        self.screen('install-held-low-battery')
        say('   the charger is plugged in (UPower OnBattery false): the install goes ahead')
        systest.set_battery(self.battery, on_battery=False, state=1)
        self.decided(p, 'accept')

        say('5. The agent said go: the updater installs')
        t2 = time.time()
        a.set_state(p, 60)
        self.device(shutdown_inhibited=True)  # logind's inhibitor is held
        a.signals.wait('PropertiesChanged', p, lambda args: 'Prompt' in args[1] and
                       args[1]['Prompt'].get('warning', '') != '', timeout=30)
        self.popup(s, 'installing', after=t2)
        self.screen('installing-cannot-power-off')
        a.finish(p, 200)
        self.changed(p, 'Result', 200)
        wid, lay = self.popup(s, 'result', after=t2)
        self.screen('finished-success')
        say('  a success needs no reading: the pop-up closes itself, the notification stays')
        uitest.no_visible_window(uitest.ere(lay['title']), 30)
        self.notified(p, 'otaux-update-done')
        self.screen('finished-success-notification')
        return p

    def second_update(self):
        a = self.agent
        say('6. A low-priority offer: a quiet notification')
        t0 = time.time()
        p = a.offer(id='modem-fw-7.3', name='Modem firmware', version='7.3', priority='low',
                    size=12 * MB)
        s = self.serial(p)
        self.notification_shown()
        self.screen('low-priority-notification')
        # Low priority has no buttons: a click on the notification (its
        # default action) opens the pop-up, where the person answers.
        self.click_notification('Modem firmware')
        wid, lay = self.popup(s, 'download', after=t0)
        self.screen('low-priority-opened-from-notification')
        self.click(wid, lay, 'accept')
        self.decided(p, 'accept')
        say('7. The download fails its check: result 402, in plain words')
        a.set_state(p, 30, bytes_done=6 * MB, bytes_total=12 * MB)
        a.finish(p, 402)
        self.changed(p, 'Result', 402)
        prompt = a.props(p)['Prompt']
        say('  the person reads: "%s"' % prompt['body'])
        self.notified(p, 'otaux-update-failed')
        self.screen('failed-402-plain-words')

    # -- a real updater: fwupd's fake device through otaux-fwupd -------------

    def fwupd_update(self):
        """The real fwupd daemon (its test device "Integrated Webcam™" on a
        private system bus, with logind's mock) and the otaux-fwupd bridge:
        the person updates it through otaux's prompts, with real clicks."""
        exe = os.path.join(self.build, 'bridges', 'fwupd', 'otaux-fwupd')
        if not os.path.exists(exe) or not os.path.exists('/usr/libexec/fwupd/fwupd'):
            say('8. (skipped: otaux-fwupd or fwupd is not installed)')
            return
        import fwupdtest
        a = self.agent
        say('8. A real updater: fwupd with its fake webcam, through otaux-fwupd')
        # the earlier notifications go, so the webcam's is the one on screen
        subprocess.run(['dunstctl', 'close-all'], check=False)
        uitest.wait_for(lambda: uitest.xdotool('search', '--onlyvisible', '--class',
                                               'Dunst')[0] != 0, 10, 'no notification', 0.1)
        # RequestDelay holds fwupd's "replug the device" request on screen a moment
        world = fwupdtest.FwupdWorld(extra_test='RequestDelay=4000')
        bridge = None
        try:
            os.environ['OTAUX_FWUPD'] = exe
            t0 = time.time()
            bridge = fwupdtest.Bridge(world, state_dir=os.path.join(self.out, 'fwupd-state')).start()
            offer_id = 'fwupd:%s:1.2.4' % fwupdtest.WEBCAM
            wait_until(lambda: any(a.props(o)['Id'] == offer_id for o in a.offers()), 30,
                       'the bridge to offer the webcam')
            p = a.get_offer(offer_id)
            s = self.serial(p)
            say('  offered: %(Name)s %(Version)s, priority %(Priority)s' % a.props(p))
            self.notification_shown()
            self.screen('fwupd-webcam-offer-notification')
            self.click_notification('Integrated Webcam')
            wid, lay = self.popup(s, 'download', after=t0)
            self.screen('fwupd-webcam-download-question')
            self.click(wid, lay, 'accept')
            self.decided(p, 'accept')
            say('  otaux-fwupd downloads the cab, checks its SHA-1 and says 40')
            self.changed(p, 'Phase', 'ready')
            self.notification_shown()
            self.screen('fwupd-webcam-install-notification')
            t1 = time.time()
            self.click_notification('Integrated Webcam')
            wid, lay = self.popup(s, 'install', after=t1)
            self.screen('fwupd-webcam-install-question-update-message')
            self.click(wid, lay, 'accept')
            self.decided(p, 'accept')
            say('  fwupd installs; its DeviceRequest reaches the installing screen')

            def replug(args):
                pr = args[1].get('Prompt', {})
                return pr.get('kind') == 'installing' and 'Please pretend' in pr.get('message', '')
            a.signals.wait('PropertiesChanged', p, replug, timeout=60)
            self.notification_shown()
            self.screen('fwupd-webcam-installing-replug-request')
            # fwupd says only now that the update needs a restart: the person
            # is asked first, nothing restarts behind their back (issue 16)
            t2 = time.time()
            a.signals.wait('PropertiesChanged', p, lambda args: args[1].get('Prompt', {}).get(
                'title', '').startswith('Restart to finish updating'), timeout=60)
            assert not world.reboots, world.reboots
            say('  installed; fwupd needs a restart: the restart question')
            self.notification_shown()
            self.screen('fwupd-webcam-restart-question')
            t3 = time.time()
            self.click_notification('Integrated Webcam')
            wid, lay = self.popup(s, 'install', after=max(t2, t3))
            self.screen('fwupd-webcam-restart-question-popup')
            self.click(wid, lay, 'accept')
            self.decided(p, 'accept')
            wait_until(lambda: world.reboots, 20, 'the reboot request on logind')
            say('  logind (mock) was asked to Reboot(%s), once, after the person said yes'
                % world.reboots[0][0])
            self.screen('fwupd-webcam-restarting')
            res = world.results()
            say('  fwupd GetResults: %s, state %d' % (
                [str(r['Version']) for r in res['Release']], int(res['UpdateState'])))
        finally:
            if bridge is not None:
                bridge.close()
            world.close()

    # -- a real A/B updater: RAUC through otaux-rauc --------------------------

    def rauc_update(self):
        """The real RAUC 1.8 service with two image-file slots (the test rig of
        tests/rauc/rauctest.py: a custom bootloader script keeping its state
        in files, logind's mock) and the otaux-rauc bridge: a bundle dropped
        into the folder, installed into slot B, activated and "rebooted" only
        after the person accepts the restart, verified after the boot."""
        exe = os.path.join(self.build, 'bridges', 'rauc', 'otaux-rauc')
        import rauctest
        try:
            rauctest.need_root()
        except Exception as e:  # otauxtest.Skip: not root, no loop devices, no rauc
            say('9. (skipped: %s)' % e)
            return
        a = self.agent
        say('9. A real A/B updater: RAUC with two slots, through otaux-rauc')
        # the earlier offers go (the webcam's says "Restarting" until a new
        # boot), so the pictures show RAUC's alone
        for o in a.offers():
            a.withdraw(o)
        subprocess.run(['dunstctl', 'close-all'], check=False)
        # a pre-install handler holds RAUC a moment: the installing screen is seen
        world = rauctest.RaucWorld(gate=True)
        bridge = None
        try:
            os.environ['OTAUX_RAUC'] = exe
            world.start_rauc('A')
            bridge = rauctest.Bridge(world).start()
            t0 = time.time()
            world.make_bundle('2.0', description='Acme OS', sidecar='[otaux]\npriority=high\n'
                              'install-message=Keep the device on its charger.\n')
            offer_id = 'rauc:otaux-test:2.0'
            wait_until(lambda: any(a.props(o)['Id'] == offer_id for o in a.offers()), 30,
                       'the bridge to offer the bundle')
            p = a.get_offer(offer_id)
            s = self.serial(p)
            say('  offered: %(Name)s %(Version)s, priority %(Priority)s, %(Size)d bytes' %
                a.props(p))
            wid, lay = self.popup(s, 'install', after=t0)
            self.screen('rauc-install-question')
            t_accept = time.time()
            self.click(wid, lay, 'accept')
            self.decided(p, 'accept')
            wait_until(lambda: os.path.exists(world.path('gate.pid')), 30, 'RAUC installing')
            self.popup(s, 'installing', after=t_accept)
            say('  RAUC installs (held by its pre-install handler); its step: "%s"'
                % a.prop(p, 'Prompt')['step'])
            self.screen('rauc-installing-step')
            t1 = time.time()
            world.open_gate()
            a.signals.wait('PropertiesChanged', p, lambda args: args[1].get('Prompt', {}).get(
                'title', '').startswith('Restart to finish updating'), timeout=60)
            say('  slot B written, not activated (the bootloader still starts %s): the restart '
                'question' % world.primary())
            wid, lay = self.popup(s, 'install', after=t1)
            self.screen('rauc-restart-question')
            self.click(wid, lay, 'accept')
            self.decided(p, 'accept')
            wait_until(lambda: world.reboots, 20, 'the reboot request on logind')
            say('  Mark("active", "other"): the bootloader now starts %s; logind (mock) asked '
                'to Reboot(%s)' % (world.primary(), world.reboots[0][0]))
            self.screen('rauc-restarting')
            say('  the "reboot": RAUC starts again with slot B booted, then the agent and '
                'the bridge')
            bridge.stop()
            a.stop()
            world.stop_rauc()
            world.start_rauc('B')
            a.start()
            bridge.start()
            wait_until(lambda: a.prop(p, 'Result') == 200, 30, 'Result 200')
            say('  Mark("good", "booted"), Finish 200: %s' % a.prop(p, 'Prompt')['title'])
            self.notified(p, 'otaux-update-done')
            self.screen('rauc-updated')
        finally:
            if bridge is not None:
                bridge.close()
            world.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--phone', action='store_true', help='a 360x720 screen (tools/demo --phone)')
    opt = ap.parse_args()
    demo = Demo(os.path.abspath(opt.build), os.path.abspath(opt.out), opt.phone)
    try:
        demo.start_notification_server()
        demo.watch_notifications()
        demo.shown = PrompterShown(dbus.SessionBus())  # a picture waits for a drawn pop-up
        demo.start_system_services()
        demo.start_agent()
        demo.first_update()
        demo.second_update()
        demo.fwupd_update()
        demo.rauc_update()
        say('done: the updater got accept, delay-reboot, accept (scheduled), then accept '
            'and a 402 failure shown in plain words; fwupd installed 1.2.4 on its webcam and '
            'restarted only after the person said yes; RAUC wrote slot B and switched to it only '
            'after the restart was accepted')
    finally:
        demo.close()


if __name__ == '__main__':
    main()
