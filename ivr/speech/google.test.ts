import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { TextToSpeechClient } from '@google-cloud/text-to-speech';
import { GoogleSpeechEngine } from './google';
import { MULAW, mulawWav, wavInfo } from './engine';

/*
 * Google TTS through its own client library, against a local gRPC server that loads the package's
 * own cloud_tts.proto: the request is the one Google would receive, byte for byte on the wire.
 */
const protos = path.dirname(require.resolve('@google-cloud/text-to-speech/package.json'));
// google-gax exports no package.json; its entry point sits in build/src, beside build/protos.
const gaxProtos = path.join(path.dirname(require.resolve('google-gax')), '..', 'protos');

describe('Google Cloud TTS engine', () => {
  let server: grpc.Server;
  let port: number;
  const requests: any[] = [];

  beforeAll(async () => {
    const def = protoLoader.loadSync(path.join(protos, 'build/protos/google/cloud/texttospeech/v1/cloud_tts.proto'), {
      includeDirs: [path.join(protos, 'build/protos'), gaxProtos],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(def) as any;
    server = new grpc.Server();
    server.addService(pkg.google.cloud.texttospeech.v1.TextToSpeech.service, {
      synthesizeSpeech(call: any, cb: any) {
        requests.push(call.request);
        const samples = Buffer.alloc(8000, 0x55);
        cb(null, { audioContent: mulawWav(samples) });
      },
      listVoices(_call: any, cb: any) {
        cb(null, { voices: [] });
      },
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
  });
  afterAll(() => server.forceShutdown());

  it('asks for 8 kHz μ-law in the language and voice of the prompt, and returns the WAV', async () => {
    // Credentials that name their universe, so the auth library never looks for a cloud metadata server;
    // with sslCreds given no token is ever fetched, and the key is never used.
    const credentials = { client_email: 'tts-test@servicetorg.iam.gserviceaccount.com', private_key: 'unused', universe_domain: 'googleapis.com' };
    const client = new TextToSpeechClient({
      apiEndpoint: '127.0.0.1',
      port,
      sslCreds: grpc.credentials.createInsecure(),
      credentials,
      projectId: 'servicetorg-test',
    });
    const engine = new GoogleSpeechEngine(client);
    const wav = await engine.synthesize('Sak 2026/17 er under behandling.', 'nb-NO');
    expect(wavInfo(wav)).toMatchObject({ format: MULAW, sampleRate: 8000, dataBytes: 8000 });
    expect(requests[0]).toMatchObject({
      input: { text: 'Sak 2026/17 er under behandling.' },
      voice: { languageCode: 'nb-NO', name: 'nb-NO-Standard-A' },
      audioConfig: { audioEncoding: 'MULAW', sampleRateHertz: 8000 },
    });
    await client.close();
  });
});
